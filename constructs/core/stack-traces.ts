/**
 * Synth without cdktf's creation stacks. cdktf records where every token was made — a full stack
 * trace, with `Error.stackTraceLimit` lifted, for each reference, `Fn` call and lazy value — to
 * quote it should that token later fail to resolve; constructs does the same for metadata. Node
 * formats each of those traces into a string on the spot, and on a whole platform that formatting
 * is about a quarter of the synth's CPU time, for text that is read only when Loom itself has a
 * bug.
 *
 * {@link withoutCreationStacks} runs a synth with traces captured onto plain objects (how both
 * libraries record them) left empty, without even collecting their frames; real errors keep their stack traces, formatted as Node
 * formats them. The previous `Error.prepareStackTrace` is restored afterwards.
 */

/** Node's own form of a stack trace: the error, then one `    at <frame>` line per frame. */
function nodeStackTrace(error: Error, frames: NodeJS.CallSite[]): string {
  const head = Error.prototype.toString.call(error);
  return frames.length ? `${head}\n    at ${frames.join('\n    at ')}` : head;
}

/** Runs `synth` with the creation stacks of tokens and construct metadata left empty (see the module comment). */
export function withoutCreationStacks<T>(synth: () => T): T {
  const previous = Error.prepareStackTrace;
  const capture = Error.captureStackTrace;
  Error.prepareStackTrace = (target: unknown, frames: NodeJS.CallSite[]) => {
    if (!(target instanceof Error)) return '';
    return previous ? previous(target, frames) : nodeStackTrace(target, frames);
  };
  // Nor walk the stack for them: a plain object's trace is left empty without collecting frames.
  Error.captureStackTrace = function captureStackTrace(target: object, constructorOpt?: Function): void {
    if (target instanceof Error) return capture.call(Error, target, constructorOpt);
    (target as { stack?: string }).stack = '';
  };
  try {
    return synth();
  } finally {
    Error.prepareStackTrace = previous;
    Error.captureStackTrace = capture;
  }
}
