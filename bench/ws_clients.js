// Websocket clients for bench/live_latency.py: N connections, a timestamp for every card received.
// Node's event loop and the `ws` package cost far less per frame than Python clients, so more of this
// 2-core machine is left to the server under test. Prints "ready" once all are connected, then on
// stdin "done" prints one JSON line of [event number, receive time in ms] pairs and exits.
const WebSocket = require("ws");

const [urls, count, cookie, origin] = [process.argv[2].split(","), Number(process.argv[3]), process.argv[4], process.argv[5]];
const received = [];
const pattern = /Live deal (\d+)/;
let open = 0;

for (let i = 0; i < count; i++) {
  const ws = new WebSocket(urls[i % urls.length], { headers: { Cookie: cookie, Origin: origin }, perMessageDeflate: false });
  ws.on("open", () => { open += 1; if (open === count) console.log("ready"); });
  ws.on("message", (data) => {
    const now = performance.timeOrigin + performance.now();
    const match = pattern.exec(data.toString());
    if (match) received.push([Number(match[1]), now]);
  });
  ws.on("error", (err) => console.error(String(err)));
}

process.stdin.on("data", (chunk) => {
  if (chunk.toString().trim() === "done") {
    // exit only once the (large) line is flushed: a pipe write is asynchronous in Node
    process.stdout.write(JSON.stringify(received) + "\n", () => process.exit(0));
  }
});
