export { detectPytorch, explainPytorch, explainTorchName, torchLayout, type PytorchMatch, type TorchLayout } from './detect';
export { openPytorch, openShardedPytorch, type PytorchCheckpoint } from './read';
