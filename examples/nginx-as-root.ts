import { ContainerSecurityOptions, LinuxCapability } from 'cdk8s-stateful';

/**
 * What an image that runs nginx the classic way needs relaxed: its master process starts as root,
 * binds port 80, creates and chowns its temporary and cache directories, switches its workers to
 * an unprivileged user, and writes its pid and temporary files under the root filesystem. Nothing
 * else is relaxed: privilege escalation stays off and every other capability stays dropped.
 * The pod also needs `podSecurity: { ensureNonRoot: false }`.
 *
 * An unprivileged image (e.g. `nginxinc/nginx-unprivileged`, port 8080) needs none of this.
 */
export const NGINX_AS_ROOT: ContainerSecurityOptions = {
  ensureNonRoot: false,
  readOnlyRootFilesystem: false,
  addCapabilities: [
    LinuxCapability.CHOWN,
    LinuxCapability.DAC_OVERRIDE,
    LinuxCapability.SETGID,
    LinuxCapability.SETUID,
    LinuxCapability.NET_BIND_SERVICE,
  ],
};
