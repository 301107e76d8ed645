import type { FrameSender } from '../../src/net/frame.js';

/** A FrameSender that keeps every frame (copies) for assertions. */
export class CaptureFrames implements FrameSender {
  readonly frames: Uint8Array[] = [];
  closed = false;

  send(frame: Uint8Array): void {
    if (this.closed) throw Object.assign(new Error('send on closed capture'), { code: 'EBADF' });
    this.frames.push(frame.slice());
  }

  close(): void {
    this.closed = true;
  }
}
