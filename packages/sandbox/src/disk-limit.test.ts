import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { probeDiskLimit } from "./disk-limit.ts";
import { TEST_IMAGE } from "./test-sandboxes.ts";

describe("the disk limit probe", () => {
  it("tells whether this engine can cap a sandbox's disk, and leaves nothing behind", async () => {
    const docker = new Docker();
    const info = (await docker.info()) as { Driver: string; DriverStatus: [string, string][] };
    const backing = info.DriverStatus.find(([key]) => key === "Backing Filesystem")?.[1];
    const probe = await probeDiskLimit(TEST_IMAGE, 512, docker);
    if (info.Driver === "overlay2" && backing !== "xfs") {
      // overlay2 on anything but xfs (with pquota) cannot: the worker runs without a disk limit and says why.
      expect(probe).toMatchObject({ supported: false, reason: expect.stringMatching(/xfs|pquota|storage-opt/i) });
    } else if (probe.supported === false) {
      expect(probe.reason).not.toBe("");
    }
    const left = await docker.listContainers({ all: true, filters: { label: ["oz.probe=disk-limit"] } });
    expect(left).toEqual([]);
  });
});
