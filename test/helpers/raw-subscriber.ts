import { connect, type Socket } from "node:net";
import mqttPacket, { type IPublishPacket, type Packet } from "mqtt-packet";

/**
 * An MQTT 3.1.1 subscriber on a bare socket that decides, message by message, whether to send the PUBACK: what
 * MQTT.js cannot do below MQTT 5. For tests of what a broker keeps for a persistent session.
 */
export class RawSubscriber {
  readonly received: IPublishPacket[] = [];
  private socket: Socket | null = null;
  private subacked: (() => void) | null = null;

  constructor(
    private readonly url: URL,
    private readonly login: { clientId: string; username: string; password: string },
    /** True to acknowledge the publish now; false to hold its PUBACK back forever. */
    private readonly acknowledge: (packet: IPublishPacket) => boolean = () => true,
  ) {}

  /** Connects with a persistent session and resolves with the CONNACK's session-present flag. */
  async connect(): Promise<boolean> {
    const socket = connect(Number(this.url.port), this.url.hostname);
    this.socket = socket;
    const parser = mqttPacket.parser();
    socket.on("data", (chunk) => parser.parse(chunk));
    const connack = new Promise<boolean>((resolve, reject) => {
      socket.once("error", reject);
      parser.on("packet", (packet: Packet) => {
        if (packet.cmd === "connack") {
          if (packet.returnCode !== 0) reject(new Error(`CONNACK ${packet.returnCode}`));
          else resolve(packet.sessionPresent);
        } else if (packet.cmd === "publish") this.onPublish(packet);
        else if (packet.cmd === "suback") this.subacked?.();
      });
    });
    const { clientId, username, password } = this.login;
    this.send({
      cmd: "connect",
      protocolId: "MQTT",
      protocolVersion: 4,
      clean: false,
      keepalive: 0,
      clientId,
      username,
      password: Buffer.from(password),
    });
    return await connack;
  }

  /** Subscribes at QoS 1 and resolves on the SUBACK. */
  subscribe(topic: string): Promise<void> {
    const subacked = new Promise<void>((resolve) => {
      this.subacked = resolve;
    });
    this.send({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic, qos: 1 }] });
    return subacked;
  }

  /** Drops the connection without DISCONNECT. */
  kill(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private onPublish(packet: IPublishPacket): void {
    this.received.push(packet);
    if (packet.qos > 0 && this.acknowledge(packet)) this.send({ cmd: "puback", messageId: packet.messageId });
  }

  private send(packet: Packet): void {
    this.socket?.write(mqttPacket.generate(packet));
  }
}
