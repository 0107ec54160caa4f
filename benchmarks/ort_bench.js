// Times ONNX Runtime (npm onnxruntime-node, CPU) on one model.
// Usage: node ort_bench.js MODEL.onnx INPUT_NAME INPUT.f32 DIMS THREADS REPS
//   INPUT.f32: raw little-endian float32; DIMS: e.g. 1x3x224x224.
// Prints one JSON line: {"median_ms": ..., "min_ms": ..., "output": [first values]}.
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '.node', 'node_modules', 'onnxruntime-node'));

async function main() {
  const [model, inputName, inputFile, dims, threads, reps] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all'});
  const bytes = fs.readFileSync(inputFile);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const feeds = {[inputName]: new ort.Tensor('float32', data, dims.split('x').map(Number))};
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times = [];
  let out;
  for (let i = 0; i < Number(reps); i++) {
    const start = process.hrtime.bigint();
    out = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const first = out[session.outputNames[0]].data;
  console.log(JSON.stringify({median_ms: times[Math.floor(times.length / 2)],
                              min_ms: times[0], output: Array.from(first.slice(0, 4))}));
}
main().catch((e) => { console.error(e.message); process.exit(1); });
