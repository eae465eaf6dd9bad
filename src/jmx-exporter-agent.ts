/**
 * Where the jar of the Prometheus JMX exporter's Java agent comes from.
 */
export enum JmxExporterAgentSource {
  /** Downloaded from Maven Central when the pod starts, and checked against its published SHA-1. */
  MAVEN_CENTRAL = 'MavenCentral',
  /** Copied from a container image. */
  IMAGE = 'Image',
}

/**
 * The Prometheus JMX exporter's Java agent (`io.prometheus.jmx:jmx_prometheus_javaagent`), pinned to
 * a version, which a CassandraRing with `metrics` runs inside the Cassandra JVM. An init container
 * puts the jar into an `emptyDir` that the Cassandra container mounts read-only; the JVM loads it
 * with `-javaagent` through `JVM_EXTRA_OPTS`.
 *
 * @see https://github.com/prometheus/jmx_exporter
 */
export class JmxExporterAgent {
  /** Version of the agent used by default. */
  public static readonly DEFAULT_VERSION = '1.0.1';

  /** Image of the init container that downloads the agent (curl, sh and sha1sum, non-root). */
  public static readonly DOWNLOAD_IMAGE = 'curlimages/curl:8.11.1';

  /**
   * Download the agent from Maven Central when each pod starts (the pods need HTTPS access to
   * `repo1.maven.org`), and check the jar against the SHA-1 checksum Maven Central publishes beside
   * it. The init container fails, and the pod does not start, when either download fails or the
   * checksum does not match.
   *
   * @param version the agent's version, e.g. `1.0.1`
   * @default version JmxExporterAgent.DEFAULT_VERSION
   */
  public static fromMavenCentral(version?: string): JmxExporterAgent {
    return new JmxExporterAgent(JmxExporterAgentSource.MAVEN_CENTRAL, JmxExporterAgent.DOWNLOAD_IMAGE,
      version ?? JmxExporterAgent.DEFAULT_VERSION);
  }

  /**
   * Copy the agent from an image that contains it (e.g. an image of your own registry, for
   * clusters without access to Maven Central). The image needs `cp`; its version is its tag.
   *
   * @param image full image reference, e.g. `registry.example.com/tools/jmx-exporter-agent:1.0.1`
   * @param jarPath absolute path of the agent's jar in the image
   */
  public static fromImage(image: string, jarPath: string): JmxExporterAgent {
    return new JmxExporterAgent(JmxExporterAgentSource.IMAGE, image, undefined, jarPath);
  }

  private constructor(
    /** Where the jar comes from. */
    public readonly source: JmxExporterAgentSource,
    /** Image of the init container. */
    public readonly image: string,
    /** Version downloaded from Maven Central. */
    public readonly version?: string,
    /** Path of the jar in the image. */
    public readonly jarPath?: string) {}

  /** Download URL of the jar on Maven Central (`fromMavenCentral` only). */
  public get downloadUrl(): string | undefined {
    if (this.source !== JmxExporterAgentSource.MAVEN_CENTRAL) return undefined;
    const v = this.version;
    return `https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/${v}/jmx_prometheus_javaagent-${v}.jar`;
  }
}
