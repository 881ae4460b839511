import { loadPipeline, loadPipelineObject, type LoadedPipeline } from '../config/load.js';

/**
 * How a process gets its pipeline: a YAML file it loads, or an object (what the YAML would parse
 * to) with the folder its relative paths and plugins resolve from. Plain JSON, so a local run's
 * workers receive the same source as the leader and load it, plugins included, themselves.
 */
export type PipelineSource = { file: string } | { object: unknown; baseDir: string };

export function loadPipelineSource(source: PipelineSource): Promise<LoadedPipeline> {
  return 'file' in source ? loadPipeline(source.file) : loadPipelineObject(source.object, { baseDir: source.baseDir });
}
