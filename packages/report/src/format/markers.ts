import type { Report } from '../rows/types.js';

const SYMBOLS = ['†', '‡', '§', '¶', '‖', '※', '⁑', '⁂', '♯', '♮'];

/** Footnote markers, assigned in order of first use so the notes list reads top to bottom. */
export class Markers {
  private readonly byId = new Map<string, string>();
  constructor(private readonly report: Report) {}

  marker(id: string): string {
    let m = this.byId.get(id);
    if (!m) {
      const n = this.byId.size;
      m = n < SYMBOLS.length ? SYMBOLS[n]! : `[${n + 1}]`;
      this.byId.set(id, m);
    }
    return m;
  }

  /** [marker, text] of every note used so far, in marker order. */
  used(): [string, string][] {
    return [...this.byId].map(([id, marker]) => [marker, this.report.notes.get(id) ?? id]);
  }
}
