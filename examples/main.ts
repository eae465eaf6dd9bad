import { App, YamlOutputType } from 'cdk8s';
import { addExamples } from './examples';

// `cdk8s synth` runs this app: every example chart becomes dist/<name>.k8s.yaml.
const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
addExamples(app);
app.synth();
