/**
 * Synth without cdktf's creation stacks: tokens made inside record no stack trace (the formatting
 * was a quarter of a platform's synth), errors keep theirs, and the previous formatter comes back.
 */
import { describe, expect, it } from 'vitest';
import { Token } from '../../constructs/core/cdk';
import { withoutCreationStacks } from '../../constructs/core/stack-traces';

/** A stack trace captured onto a plain object, as cdktf and constructs capture theirs. */
function capturedOntoObject(): string {
  const target = { stack: '' };
  Error.captureStackTrace(target);
  return target.stack;
}

describe('withoutCreationStacks', () => {
  it('leaves traces captured onto plain objects empty while it runs, and only then', () => {
    expect(capturedOntoObject()).toMatch(/\n\s+at /);
    expect(withoutCreationStacks(capturedOntoObject)).toBe('');
    expect(capturedOntoObject()).toMatch(/\n\s+at /);
  });

  it("drops cdktf's creation stack of a token made inside", () => {
    const creationStack = (token: unknown) => (token as { creationStack: string[] }).creationStack;
    expect(creationStack(Token.asAny('outside')).length).toBeGreaterThan(0);
    expect(creationStack(withoutCreationStacks(() => Token.asAny('inside')))).toEqual([]);
  });

  it('keeps the stack trace of a real error, in Node’s form', () => {
    const stack = withoutCreationStacks(() => new TypeError('boom').stack!);
    expect(stack.split('\n')[0]).toBe('TypeError: boom');
    expect(stack).toMatch(/\n {4}at .*stack-traces\.test\.ts/);
  });

  it('restores the formatter it found, also when the synth throws', () => {
    const mine = () => 'mine';
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = mine;
    try {
      expect(() => withoutCreationStacks(() => {
        throw new Error('synth failed');
      })).toThrow('synth failed');
      expect(Error.prepareStackTrace).toBe(mine);
      // a formatter set before is used for errors inside
      expect(withoutCreationStacks(() => new Error('x').stack)).toBe('mine');
    } finally {
      Error.prepareStackTrace = previous;
    }
  });
});
