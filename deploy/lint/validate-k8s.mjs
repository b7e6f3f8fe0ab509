// Validates every document of the given YAML files against kubernetes-models' (Kubernetes OpenAPI) and
// @kubernetes-models/keda's (KEDA CRD) schemas. usage: node validate-k8s.mjs FILE... (npm run k8s does deploy/k8s)
import fs from "node:fs";
import * as yaml from "js-yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Job } from "kubernetes-models/batch/v1/Job";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
const kinds = { Deployment, Service, ConfigMap, Namespace, PersistentVolumeClaim, Job, ScaledObject };
let failed = 0, checked = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
    if (!doc) continue;
    const Kind = kinds[doc.kind];
    if (!Kind) { console.log(`${file}: no schema for kind ${doc.kind}`); failed++; continue; }
    try { new Kind(doc).validate(); checked++; }
    catch (e) { failed++; console.log(`${file}: ${doc.kind}/${doc.metadata?.name}: ${e.message}`); }
  }
}
console.log(`${checked} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
