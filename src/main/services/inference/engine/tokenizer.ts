// The pack's tokenizer (tokenizer.json) and chat template (tokenizer_config.json), run by the Hugging Face
// JavaScript libraries so that ids equal the Python reference's. The template writes one <|image_pad|> per
// image; the processor, and so this module, widens it to the image's token count.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { z } from 'zod';

export type ContentPart = { type: 'image' } | { type: 'text'; text: string };
export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string | ContentPart[] };

export type ImagePromptRequest = {
  system?: string;
  instruction: string;
  /** grid t * h * w / merge_size^2 of the prepared image. */
  imageTokens: number;
};

export type ImagePrompt = {
  /** The rendered template, with its single <|image_pad|>. */
  text: string;
  inputIds: number[];
};

const IMAGE_PAD = '<|image_pad|>';

const configSchema = z.looseObject({ chat_template: z.string() });

export class PromptTokenizer {
  readonly imagePadId: number;
  private readonly tokenizer: Tokenizer;
  private readonly template: Template;
  /** Strings the tokenizer turns into control tokens; caller text must not smuggle them in. */
  private readonly controlTokens: string[];

  constructor(tokenizerJson: unknown, tokenizerConfig: unknown) {
    const config = configSchema.safeParse(tokenizerConfig);
    if (!config.success) throw new Error(`tokenizer_config.json: ${z.prettifyError(config.error)}`);
    this.tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig as object);
    this.template = new Template(config.data.chat_template);
    this.imagePadId = this.tokenId(IMAGE_PAD);
    this.controlTokens = [...this.tokenizer.get_added_tokens_decoder().values()]
      .filter((t) => t.special)
      .map((t) => t.content);
  }

  static async load(dir: string): Promise<PromptTokenizer> {
    const [json, config] = await Promise.all(
      ['tokenizer.json', 'tokenizer_config.json'].map(
        async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown,
      ),
    );
    return new PromptTokenizer(json, config);
  }

  tokenId(token: string): number {
    const id = this.tokenizer.token_to_id(token);
    if (id === undefined) throw new Error(`the tokenizer has no ${token} token`);
    return id;
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text).ids;
  }

  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  renderChat(messages: ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): string {
    return this.template.render({ messages, add_generation_prompt: options.addGenerationPrompt ?? false });
  }

  /** System (optional) and user turn with one image then the instruction, ready for the assistant's answer. */
  imagePrompt(request: ImagePromptRequest): ImagePrompt {
    const { system, instruction, imageTokens } = request;
    if (!Number.isInteger(imageTokens) || imageTokens < 1)
      throw new Error(`image token count must be a positive integer, got ${imageTokens}`);
    for (const text of [system ?? '', instruction]) this.rejectControlTokens(text);
    const messages: ChatMessage[] = [
      ...(system !== undefined ? [{ role: 'system' as const, content: system }] : []),
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: instruction }] },
    ];
    const text = this.renderChat(messages, { addGenerationPrompt: true });
    const ids = this.encode(text);
    const at = ids.indexOf(this.imagePadId);
    if (at < 0 || ids.indexOf(this.imagePadId, at + 1) >= 0) {
      throw new Error(`the chat template must write exactly one ${IMAGE_PAD} for one image`);
    }
    const inputIds = [
      ...ids.slice(0, at),
      ...new Array<number>(imageTokens).fill(this.imagePadId),
      ...ids.slice(at + 1),
    ];
    return { text, inputIds };
  }

  private rejectControlTokens(text: string): void {
    const found = this.controlTokens.find((token) => text.includes(token));
    if (found) throw new Error(`prompt text contains the control token ${found}`);
  }
}
