import { describe, expect, it } from 'vitest';
import { decodeHistory, decodeParallelRequest, encodeParallelRequest } from '../../src/parallel/protocol.js';
import { TargetFault } from '../../src/targets/target.js';

const REQUEST = 'parallel 42 init 0x200000 0x100000+0x4000:Usable ; allocate_frame | allocate_frame ; deallocate_frame @0 ; memory_stats | allocate_frame_at 0x101000 ; deallocate_frame @p1';

describe('parallel requests', () => {
  it('decodes and encodes a request unchanged', () => {
    const { noise, program } = decodeParallelRequest(REQUEST);
    expect(noise).toBe(42n);
    expect(program.threads).toHaveLength(2);
    expect(program.threads[0]?.[1]).toEqual({ op: 'deallocate_frame', frame: { ownCall: 0 } });
    expect(program.threads[1]?.[1]).toEqual({ op: 'deallocate_frame', frame: { prefixCall: 1 } });
    expect(encodeParallelRequest(program, noise)).toBe(REQUEST);
    // No prefix: the first segment is empty.
    expect(encodeParallelRequest(decodeParallelRequest('parallel off | allocate_frame | allocate_frame').program, 'off')).toBe('parallel off | allocate_frame | allocate_frame');
  });

  it.each([
    ['parallel off | allocate_frame', '1 thread programs, expected 2 to 8'],
    ['parallel off | allocate_frame | deallocate_frame @0', '@0 does not name an earlier call of the same thread'],
    ['parallel off allocate_frame | allocate_frame | deallocate_frame @p1', '@p1 does not name an earlier call of the prefix'],
    ['parallel off | allocate_frame | allocate_frame_at 4096', 'address "4096" is not a hex number'],
    ['parallel off | allocate_frame | free_count', 'unknown call "free_count"'],
    ['parallel off init 0x0 0x0+0x1000:Ram | allocate_frame | allocate_frame', 'unknown region kind "Ram"'],
  ])('refuses %s', (line, message) => {
    expect(() => decodeParallelRequest(line)).toThrow(message);
  });
});

describe('history answers', () => {
  const { program } = decodeParallelRequest(REQUEST);
  const good = ['p 0 0 5 ok', 'p 1 6 9 ok 256', '1 0 10 20 ok 257', '1 1 21 30 ok', '1 2 31 40 ok 8192 16384', '2 0 10 25 err FrameInUse', '2 1 26 35 ok'];

  it('decodes a well-formed history in any line order', () => {
    const history = decodeHistory(['history 7', ...[...good].reverse()], program);
    expect(history.map((call) => `${call.segment}.${call.index}`)).toEqual(['0.0', '0.1', '1.0', '1.1', '1.2', '2.0', '2.1']);
    expect(history[4]?.outcome).toEqual({ kind: 'ok', value: [8192, 16384] });
  });

  const replace = (index: number, line: string): string[] => ['history 7', ...good.map((text, i) => (i === index ? line : text))];
  it.each([
    [['history 6', ...good.slice(0, 6)], '"history 6" for 7 calls'],
    [['error no such thing'], 'the driver refused a parallel request: error no such thing'],
    [replace(2, '1 0 10 20 ok 0x101'), 'ok with a value that is not a decimal number'],
    [replace(2, '3 0 10 20 ok 257'), 'names no call of the program'],
    [replace(3, '1 0 21 30 ok'), 'a second line for the same call'],
    [replace(2, '1 0 20 10 ok 257'), 'returned before it was invoked'],
    [replace(3, '1 1 15 30 ok'), 'invoked before the call before it in its segment returned'],
    [replace(2, '1 0 3 20 ok 257'), 'invoked before the prefix ended'],
    [replace(3, '1 1 21 30 skip'), 'was skipped'],
    [replace(4, '1 2 31 40 ok 8192'), 'returned ok 8192'],
    [replace(5, '2 0 10 25 err Busy'), 'unknown error variant'],
  ])('a driver answering %j is at fault', (lines, message) => {
    let fault: unknown;
    try {
      decodeHistory(lines, program);
    } catch (error) {
      fault = error;
    }
    expect(fault).toBeInstanceOf(TargetFault);
    expect((fault as TargetFault).fault).toBe('protocol');
    expect((fault as TargetFault).message).toContain(message);
    expect((fault as TargetFault).message).not.toContain('\n');
  });
});
