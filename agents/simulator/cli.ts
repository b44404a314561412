// Fault injection for the running demo hall:  npm run sim -- <inject|clear|list|faults> ...
import { Command } from "commander";
import { DEVICE_KINDS } from "../../src/contract/index.js";
import { SIM_FAULTS } from "../drivers/sim/index.js";

const defaultUrl = `http://127.0.0.1:${process.env.HALLWATCH_SIM_CONTROL_PORT ?? 8788}`;
const program = new Command()
  .name("hallwatch-sim")
  .description("Inject and clear faults on the simulated demo hall of a running Hallwatch")
  .option("--control-url <url>", "the simulator's control URL", defaultUrl);

async function call(method: "GET" | "POST", body?: unknown): Promise<unknown> {
  const url = `${program.opts<{ controlUrl: string }>().controlUrl}/faults`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    console.error(`error: no simulator at ${url} — is "npm start" running (with HALLWATCH_DEMO on)?`);
    process.exit(1);
  }
  const json = (await response.json()) as { error?: string };
  if (!response.ok) {
    console.error(`error: ${json.error ?? response.statusText}`);
    process.exit(1);
  }
  return json;
}

for (const action of ["inject", "clear"] as const) {
  program
    .command(action)
    .description(`${action} a fault on a simulated device`)
    .requiredOption("--hall <hallId>", "hall id", "demo-hall")
    .requiredOption("--device <deviceId>", "device id, e.g. kiosk-1")
    .requiredOption("--fault <name>", "fault name (see: faults)")
    .action(async (opts: { hall: string; device: string; fault: string }) => {
      await call("POST", { hallId: opts.hall, deviceId: opts.device, fault: opts.fault, action });
      console.log(
        `${action === "inject" ? "injected" : "cleared"} ${opts.fault} on ${opts.hall}/${opts.device}`,
      );
    });
}

program
  .command("list")
  .description("list simulated devices and their active faults")
  .action(async () => {
    const { devices } = (await call("GET")) as {
      devices: { hallId: string; deviceId: string; kind: string; activeFaults: string[] }[];
    };
    for (const d of devices) {
      console.log(
        `${d.hallId}/${d.deviceId}\t${d.kind}\t${d.activeFaults.length > 0 ? d.activeFaults.join(",") : "-"}`,
      );
    }
  });

program
  .command("faults")
  .description("fault names each device kind understands")
  .action(() => {
    for (const kind of DEVICE_KINDS) console.log(`${kind.padEnd(13)} ${SIM_FAULTS[kind].join(", ")}`);
  });

await program.parseAsync(process.argv);
