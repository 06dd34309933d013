/** The engine: executes a plan (read → transform → write) in the page's worker and in the CLI. */
export { execute, checkRunnable, cancelledError, type ExecuteOptions, type ExecuteResult, type Progress } from './execute';
export { tfjsOps, cpuOps, interpolationMatrix, type ArithmeticOps } from './arithmetic';
export { MemoryFolder, type OutputFolder, type FileSink, type OutputTensor, type CheckpointWriter } from '../io/output';
export { createTfCheckpointWriter, type TfOutputOptions } from '../formats/tf-bundle/writer-adapter';
export { exportCheckpoint, type ExportRequest } from './export';
export { exportPlan, targetForFormat, variablesForFormat } from './export-plan';
