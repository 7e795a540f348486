/** A growable stack of voxel indices for flood fills: one typed array, doubled when full, never shrunk. */
export class IndexStack {
  private items = new Uint32Array(4096);
  private top = 0;

  get size(): number {
    return this.top;
  }

  push(index: number): void {
    if (this.top === this.items.length) {
      const bigger = new Uint32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    this.items[this.top++] = index;
  }

  pop(): number {
    return this.items[--this.top];
  }
}
