// tests/sms-gateway-stub.mjs - a stand-in for a third-party SMS gateway,
// started by tests/run-all for the test stack (PARLEY_SMS_SENDER=http).
//
// POST /send with "Authorization: Bearer test-gateway-token" and a JSON body
// {"to": "+...", "text": "..."}: appends the body as one line to
// $PARLEY_TEST_SMS_FILE (where integration tests read their codes) and
// answers 200. Numbers ending in 0000000 get 500, so tests can exercise the
// service's 502 sms_failed path. Listens on 127.0.0.1:$PARLEY_TEST_SMS_PORT.
import fs from "node:fs";
import http from "node:http";

const port = Number(process.env.PARLEY_TEST_SMS_PORT || 18099);
const file = process.env.PARLEY_TEST_SMS_FILE;
const token = "test-gateway-token";
if (!file) {
	console.error("sms-gateway-stub: PARLEY_TEST_SMS_FILE is not set");
	process.exit(2);
}

function answer(res, status, body) {
	res.writeHead(status, { "Content-Type": "application/json" });
	res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
	if (req.method !== "POST" || req.url !== "/send")
		return answer(res, 404, { error: "not found" });
	if (req.headers.authorization !== `Bearer ${token}`)
		return answer(res, 401, { error: "bad token" });
	let body = "";
	req.setEncoding("utf8");
	req.on("data", (chunk) => {
		body += chunk;
		if (body.length > 65536) req.destroy();
	});
	req.on("end", () => {
		let msg;
		try {
			msg = JSON.parse(body);
		} catch {
			return answer(res, 400, { error: "bad json" });
		}
		if (typeof msg.to !== "string" || typeof msg.text !== "string")
			return answer(res, 400, { error: "to and text are required" });
		if (msg.to.endsWith("0000000"))
			return answer(res, 500, { error: "simulated gateway failure" });
		// Synchronous: the line is in the file before the service hears 200.
		fs.appendFileSync(file, JSON.stringify(msg) + "\n");
		answer(res, 200, { id: `msg-${Date.now()}` });
	});
});

server.listen(port, "127.0.0.1", () => {
	console.log(`sms-gateway-stub: listening on 127.0.0.1:${port}, writing ${file}`);
});
for (const sig of ["SIGTERM", "SIGINT"])
	process.on(sig, () => server.close(() => process.exit(0)));
