import assert from "node:assert/strict";
import { instanceVersion } from "./instance_version.ts";

const CUSTOM = "polarismesh.cn/customVersion";

Deno.test("instanceVersion(): Pod label customVersion, then the metadata key, then the Service annotation, then the Pod label version", () => {
  const all = {
    podLabels: { [CUSTOM]: "from-label", version: "v1" },
    metadataAnnotation: { [CUSTOM]: "from-metadata" },
    serviceAnnotations: { [CUSTOM]: "from-annotation" },
  };
  assert.equal(instanceVersion(all), "from-label");
  assert.equal(instanceVersion({ ...all, podLabels: { version: "v1" } }), "from-metadata");
  assert.equal(
    instanceVersion({ ...all, podLabels: { version: "v1" }, metadataAnnotation: {} }),
    "from-annotation",
  );
  assert.equal(
    instanceVersion({
      podLabels: { version: "v1" },
      metadataAnnotation: {},
      serviceAnnotations: {},
    }),
    "v1",
  );
  assert.equal(
    instanceVersion({ podLabels: undefined, metadataAnnotation: {}, serviceAnnotations: {} }),
    "",
  );
});
