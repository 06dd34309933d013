/** The built-in example (public/examples/, written by `npm run example`), fetched as Files and opened like a drop. */
import type { FileRef } from '../worker/client';

export interface ExampleManifest {
  label: string;
  files: string[];
}

const base = () => `${import.meta.env.BASE_URL}examples/`;

/** The example's files, or null when the app was built without one (the page then shows the empty drop state). */
export async function fetchExample(fetcher: typeof fetch = fetch): Promise<{ label: string; files: FileRef[] } | null> {
  let manifest: ExampleManifest;
  try {
    const res = await fetcher(`${base()}manifest.json`, { cache: 'no-cache' });
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return null;
    manifest = (await res.json()) as ExampleManifest;
    if (!Array.isArray(manifest.files) || manifest.files.length === 0) return null;
  } catch {
    return null;
  }
  const files = await Promise.all(
    manifest.files.map(async (path) => {
      const res = await fetcher(`${base()}${path}`);
      if (!res.ok) throw new Error(`the example file ${path} could not be fetched (HTTP ${res.status})`);
      const blob = await res.blob();
      const name = path.slice(path.lastIndexOf('/') + 1);
      return { path, file: new File([blob], name) };
    }),
  );
  return { label: manifest.label, files };
}
