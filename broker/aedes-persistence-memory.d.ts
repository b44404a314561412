// aedes-persistence ships a declaration for its in-memory class (types/asyncPersistence.d.ts) but not at the path
// the class is loaded from; this maps the one to the other, and adds the Packet constructor the module also exports.
declare module "aedes-persistence/asyncPersistence.js" {
  import type { AedesPacket } from "aedes-packet";

  import MemoryPersistence = require("aedes-persistence/types/asyncPersistence.js");

  class IndexableMemoryPersistence extends MemoryPersistence {
    static Packet: new (
      original: Partial<AedesPacket>,
      broker?: unknown,
    ) => AedesPacket;
  }
  export = IndexableMemoryPersistence;
}
