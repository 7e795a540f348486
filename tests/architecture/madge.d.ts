// The part of madge 8's API the architecture tests use (the package ships no types; @types/madge describes madge 5).
declare module 'madge' {
  interface MadgeConfig {
    baseDir?: string;
    fileExtensions?: string[];
    excludeRegExp?: RegExp[];
    tsConfig?: string;
    detectiveOptions?: Record<string, Record<string, unknown>>;
  }
  interface MadgeInstance {
    /** file -> the files it imports, paths relative to baseDir */
    obj(): Record<string, string[]>;
    /** each cycle found, as the files along it */
    circular(): string[][];
    /** imports madge could not resolve to a file (npm packages are left out of the graph, not skipped) */
    warnings(): { skipped: string[] };
  }
  export default function madge(path: string | string[], config?: MadgeConfig): Promise<MadgeInstance>;
}
