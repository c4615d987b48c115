// Tokenizes a JSON array of strings with llama.cpp's own tokenizer (node-llama-cpp from the peer folder).
//   node llamacpp_tokenize.mjs MODEL.gguf IN.json OUT.json PARSE_SPECIAL(true|false)
import fs from 'node:fs';
import path from 'node:path';
const peers = process.env.WGLLAMA_PEERS || path.join(process.env.HOME, '.cache/wgllama-peers');
const {getLlama, LlamaLogLevel} = await import(path.join(peers, 'node_modules/node-llama-cpp/dist/index.js'));
const [,, model, input, output, special] = process.argv;
const llama = await getLlama({gpu: false, logLevel: LlamaLogLevel.error, build: 'never'});
const m = await llama.loadModel({modelPath: model, gpuLayers: 0, vocabOnly: true});
const texts = JSON.parse(fs.readFileSync(input, 'utf8'));
const out = texts.map(t => Array.from(m.tokenize(t, special === 'true')));
fs.writeFileSync(output, JSON.stringify(out));
await m.dispose();
process.exit(0);
