// The layer rule (eslint/layers.js) run by ESLint itself on deliberately wrong imports: each folder
// of src/ imports only what its layer allows, and a file in no layer fails.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'deadair/layers').map((m) => m.message);
}

describe('layers', () => {
  it('lets each folder import what its layer allows', async () => {
    expect(
      await problems(
        'src/core/x.ts',
        "import { readFileSync } from 'node:fs';\nimport type { Finding } from '../shared/types.js';\nimport { tail } from './logs/tail.js';\nexport { readFileSync, tail };\nexport type { Finding };\n",
      ),
    ).toEqual([]);
    expect(
      await problems(
        'src/renderer/x.tsx',
        "import { useState } from 'react';\nimport type { Finding } from '../shared/types.js';\nexport { useState };\nexport type { Finding };\n",
      ),
    ).toEqual([]);
  });

  it('fails electron, a shell or the DOM in core, and core or Node in the renderer', async () => {
    expect(await problems('src/core/x.ts', "import { app } from 'electron';\nexport { app };\n")).toEqual([
      expect.stringMatching(/the core layer may not import electron/),
    ]);
    expect(
      await problems(
        'src/core/formats/x.ts',
        "import { main } from '../../cli/main.js';\nexport { main };\n",
      ),
    ).toEqual([expect.stringMatching(/the core layer may not import src\/cli\/main\.ts/)]);
    expect(
      await problems(
        'src/renderer/x.ts',
        "import { Pipeline } from '../core/pipeline.js';\nimport { readFileSync } from 'node:fs';\nexport { Pipeline, readFileSync };\n",
      ),
    ).toHaveLength(2);
    expect(
      await problems('src/shared/x.ts', "import { tail } from '../core/logs/tail.js';\nexport { tail };\n"),
    ).toHaveLength(1);
    expect(
      await problems(
        'src/preload/x.ts',
        "import { Pipeline } from '../core/pipeline.js';\nexport { Pipeline };\n",
      ),
    ).toHaveLength(1);
  });

  it('tells the observer’s page code from its Node side', async () => {
    expect(
      await problems(
        'src/observer/page.ts',
        "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n",
      ),
    ).toEqual([expect.stringMatching(/the observer page layer may not import node:\*/)]);
    expect(await problems('src/cli/x.ts', "import './../observer/page.js';\n")).toHaveLength(1);
    expect(
      await problems('src/observer/x.ts', "import { Room } from 'livekit-client';\nexport { Room };\n"),
    ).toHaveLength(1);
  });

  it('holds tests beside the code to the same rules', async () => {
    expect(
      await problems(
        'src/core/x.test.ts',
        "import { it } from 'vitest';\nimport { RoomMapper } from '../observer/mapper.js';\nit('x', () => void RoomMapper);\n",
      ),
    ).toEqual([expect.stringMatching(/the core layer may not import src\/observer\/mapper\.ts/)]);
  });

  it('fails a file in a folder no layer covers', async () => {
    expect(await problems('src/tray/x.ts', 'export const x = 1;\n')).toEqual([
      expect.stringMatching(/src\/tray\/x\.ts is in no layer/),
    ]);
  });
});
