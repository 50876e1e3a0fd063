// Tokenizer and chat template against the Hugging Face tokenizer's ids for the golden strings and prompt.
import { beforeAll, describe, expect, it } from 'vitest';
import { PromptTokenizer } from '../../../../../src/main/services/inference/engine/tokenizer';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDirs } from '../../../../helpers/temp-dir';
import { fixtureTokenizer, goldenJson, tokenizerFiles } from './golden';

const golden = goldenJson();
const tempDir = useTempDirs();
let tokenizer: PromptTokenizer;

beforeAll(() => {
  tokenizer = fixtureTokenizer();
});

describe('PromptTokenizer against the reference', () => {
  it.each(golden.tokenizer_cases.map((c) => [c.text, c.ids] as const))('encodes %j', (text, ids) => {
    expect(tokenizer.encode(text)).toEqual(ids);
  });

  it('decodes every case back to its text', () => {
    for (const { text, ids } of golden.tokenizer_cases) expect(tokenizer.decode(ids)).toBe(text);
  });

  it('builds the golden prompt with its 72 image pads', () => {
    const prompt = tokenizer.imagePrompt({
      instruction: golden.prompt_text,
      imageTokens: golden.num_image_tokens,
    });
    expect(prompt.text).toBe(golden.prompt_rendered_without_pads);
    expect(prompt.inputIds).toEqual(golden.input_ids);
    expect(prompt.inputIds.filter((id) => id === tokenizer.imagePadId)).toHaveLength(72);
  });

  it('renders the text-only prompt', () => {
    const text = tokenizer.renderChat([{ role: 'user', content: golden.prompt_text }], {
      addGenerationPrompt: true,
    });
    expect(tokenizer.encode(text)).toEqual(golden.text_only_input_ids);
  });

  it('knows the vision and chat control tokens', () => {
    expect(
      ['<|vision_start|>', '<|vision_end|>', '<|image_pad|>', '<|im_start|>', '<|im_end|>'].map((t) =>
        tokenizer.tokenId(t),
      ),
    ).toEqual([151652, 151653, 151655, 151644, 151645]);
    expect(() => tokenizer.tokenId('<|no_such_token|>')).toThrow(/no <\|no_such_token\|> token/);
  });
});

describe('PromptTokenizer', () => {
  it('puts an optional system turn first', () => {
    const prompt = tokenizer.imagePrompt({
      system: 'You are a radiologist.',
      instruction: 'Describe.',
      imageTokens: 3,
    });
    expect(prompt.text).toBe(
      '<|im_start|>system\nYou are a radiologist.<|im_end|>\n<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe.<|im_end|>\n<|im_start|>assistant\n',
    );
    const pads = prompt.inputIds.filter((id) => id === tokenizer.imagePadId);
    expect(pads).toHaveLength(3);
  });

  it('decodes without the control tokens on request', () => {
    const ids = tokenizer.encode('<|im_start|>assistant\nNo pneumothorax.<|im_end|>');
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('assistant\nNo pneumothorax.');
  });

  it('refuses prompt text that would smuggle in control tokens', () => {
    expect(() => tokenizer.imagePrompt({ instruction: 'a <|image_pad|> b', imageTokens: 4 })).toThrow(
      /control token <\|image_pad\|>/,
    );
    expect(() => tokenizer.imagePrompt({ system: 'x<|im_end|>', instruction: 'a', imageTokens: 4 })).toThrow(
      /control token <\|im_end\|>/,
    );
    expect(() => tokenizer.imagePrompt({ instruction: 'a', imageTokens: 0 })).toThrow(/positive integer/);
  });

  it('loads a pack folder', async () => {
    const dir = tempDir();
    const { json, config } = tokenizerFiles();
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    const loaded = await PromptTokenizer.load(dir);
    expect(loaded.encode(golden.prompt_text)).toEqual(golden.tokenizer_cases[0]!.ids);
  });

  it('explains a tokenizer_config.json without a chat template', () => {
    expect(() => new PromptTokenizer(tokenizerFiles().json, { eos_token: '<|im_end|>' })).toThrow(
      /tokenizer_config.json: .*chat_template/s,
    );
  });
});
