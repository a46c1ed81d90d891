/**
 * An absolute file path: a POSIX path of two or more segments starting at a word boundary
 * (`/home/u/x.onnx`, `'/tmp/mlc-1/model.onnx'`, `file:///srv/a/b`), or a Windows one (`C:\\a\\b`).
 */
const ABSOLUTE_PATH = /(?<![\w.~-])(?:file:\/\/)?(?:\/[\w.@+~-]+){2,}\/?|\b[A-Za-z]:\\(?:[\w.@+~ -]+\\)*[\w.@+~-]*/g;

/**
 * Error text fit for a client: every absolute path becomes `…/<last segment>`, so an answer
 * names the file that was wrong without telling the caller where the server keeps its data.
 */
export function withoutPaths(message: string): string {
  return message.replace(ABSOLUTE_PATH, (path) => {
    const segments = path.split(/[\\/]/).filter(Boolean);
    return `…/${segments[segments.length - 1] ?? ''}`;
  });
}
