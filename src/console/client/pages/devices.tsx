import { Async, useApi } from "../components/use-api.js";
import { DeviceTiles } from "../overview/device-tiles.js";
import type { HallView } from "../types.js";

/** Every device of every hall of the user, as tiles by zone coloured by each device's worst open alert. */
export function Devices() {
  const halls = useApi<{ items: HallView[] }>("/api/halls");
  return (
    <Async state={halls}>
      {({ items }) =>
        items.map((hall) => (
          <section class="hall-devices" key={hall.id} data-hall={hall.id}>
            <h2>{hall.name}</h2>
            <DeviceTiles hallId={hall.id} />
          </section>
        ))
      }
    </Async>
  );
}
