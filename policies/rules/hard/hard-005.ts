/**
 * LOOM-HARD-005: Pod Security Standards, Restricted, for platform and team workloads: no privilege
 * escalation, non-root with a non-zero UID, RuntimeDefault (or Localhost) seccomp, all
 * capabilities dropped (NET_BIND_SERVICE at most added back), restricted volume types; and, as a
 * LOW recommendation, a read-only root filesystem. HIGH in team namespaces (labelled
 * `loom.dev/team`), MEDIUM for platform add-ons.
 */
import type { ContainerView, WorkloadView } from '../../kubernetes';
import type { PolicyRule, RuleFinding, Severity } from '../../types';
import { isObject, isReference } from '../../values';
import { allWorkloads, HOST_ACCESS_CHARTS, Namespaces, namespaceOf, thirdPartyReleases, workloadName } from './common';

const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'name']);
const asObj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : Array.isArray(v) && isObject(v[0]) ? v[0] : {});

/** The Restricted controls a container breaks (control → what), plus the references that leave one undecided. */
function containerViolations(pod: Record<string, unknown>, c: ContainerView): { violations: [string, string][]; unknown: string[]; readOnly: boolean } {
  const sc = c.securityContext as Record<string, unknown>;
  const psc = asObj(pod.securityContext);
  const violations: [string, string][] = [];
  const unknown: string[] = [];
  const val = (control: string, ...vs: unknown[]): unknown => {
    const v = vs.find((x) => x !== undefined && x !== null);
    if (isReference(v)) unknown.push(control);
    return v;
  };
  const ape = val('allowPrivilegeEscalation', sc.allowPrivilegeEscalation);
  if (!isReference(ape) && !(ape === false || ape === 'false')) violations.push(['allowPrivilegeEscalation', `allowPrivilegeEscalation is ${ape === undefined ? 'not set (defaults to true)' : String(ape)}`]);
  const user = val('runAsUser', sc.runAsUser, psc.runAsUser);
  if (!isReference(user) && user !== undefined && Number(user) === 0) violations.push(['runAsUser', 'runAsUser is 0 (root)']);
  const nonRoot = val('runAsNonRoot', sc.runAsNonRoot, psc.runAsNonRoot);
  if (!isReference(nonRoot) && !(nonRoot === true || nonRoot === 'true')) violations.push(['runAsNonRoot', `runAsNonRoot is ${nonRoot === undefined ? 'not set' : String(nonRoot)}`]);
  const seccomp = val('seccompProfile', asObj(sc.seccompProfile).type, asObj(psc.seccompProfile).type);
  if (!isReference(seccomp) && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') violations.push(['seccompProfile', `seccompProfile.type is ${seccomp === undefined ? 'not set' : String(seccomp)}`]);
  const caps = asObj(sc.capabilities);
  const drop = Array.isArray(caps.drop) ? caps.drop.map(String) : [];
  if (!drop.includes('ALL')) violations.push(['capabilities', 'capabilities.drop does not include ALL']);
  const add = Array.isArray(caps.add) ? caps.add.map((x) => String(x).replace(/^CAP_/, '')) : [];
  const extra = add.filter((x) => x !== 'NET_BIND_SERVICE');
  if (extra.length) violations.push(['capabilities', `adds ${extra.join(', ')}`]);
  const ro = sc.readOnlyRootFilesystem;
  return { violations, unknown, readOnly: ro === true || ro === 'true' || isReference(ro) };
}

/** PSS Restricted on workloads and the charts Loom knows; severity by namespace. */
export const HARD_005: PolicyRule = {
  id: 'LOOM-HARD-005',
  area: 'HARD',
  title: 'PSS Restricted for platform and team workloads',
  severity: { baseline: 'HIGH' },
  rationale: 'Root containers that can escalate privileges, keep default capabilities or run without seccomp turn any container escape or kernel bug into node compromise; Restricted removes those footholds at no cost for ordinary services.',
  fix: 'Set securityContext { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: <non-zero>, seccompProfile: { type: RuntimeDefault }, capabilities: { drop: [ALL] }, readOnlyRootFilesystem: true } on every container (pod securityContext for the user and seccomp) and use only configMap/secret/emptyDir/PVC/projected/downwardAPI/CSI/ephemeral volumes. Node agents that need root or host access need an exception with a reason.',
  anchors: ['CKV_K8S_20', 'CKV_K8S_23', 'CKV_K8S_40', 'CKV_K8S_31', 'CKV_K8S_28', 'CKV_K8S_37', 'CKV_K8S_22', 'AVD-KSV-0001', 'AVD-KSV-0012', 'AVD-KSV-0105', 'AVD-KSV-0030', 'AVD-KSV-0106', 'AVD-KSV-0028', 'AVD-KSV-0014', 'PSS-R', 'CIS EKS 4.2.5', 'CIS EKS 4.2.6', 'CIS EKS 4.2.7', 'CIS EKS 4.2.8', 'CIS GKE 4.6.2'],
  providers: ['kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const namespaces = new Namespaces(ctx);
    const severityFor = (team: boolean): Severity => (team ? 'HIGH' : 'MEDIUM');
    for (const w of allWorkloads(ctx) as WorkloadView[]) {
      const name = workloadName(w);
      const severity = severityFor(Namespaces.isTeam(namespaces.find(w.owner.source, namespaceOf(w))));
      const pod = w.podSpec as Record<string, unknown>;
      const byControl = new Map<string, string[]>();
      const add = (control: string, what: string) => byControl.set(control, [...(byControl.get(control) ?? []), what]);
      const unknown = new Set<string>();
      const notReadOnly: string[] = [];
      for (const c of w.containers) {
        const r = containerViolations(pod, c);
        for (const [control, what] of r.violations) add(control, `container ${c.name}: ${what}`);
        r.unknown.forEach((u) => unknown.add(u));
        if (!r.readOnly) notReadOnly.push(c.name);
      }
      for (const v of Array.isArray(pod.volumes) ? pod.volumes : []) {
        if (!isObject(v)) continue;
        const types = Object.keys(v).filter((k) => !RESTRICTED_VOLUMES.has(k));
        if (types.length) add('volumes', `volume ${String(v.name)} is ${types.join(', ')}`);
      }
      for (const [control, whats] of byControl) out.push({ resource: w.owner.source, message: `${name}: ${whats.join('; ')}`, detail: `${name}::${control}`, severity });
      if (notReadOnly.length) out.push({ resource: w.owner.source, message: `${name}: containers ${notReadOnly.join(', ')} have a writable root filesystem (recommended: readOnlyRootFilesystem: true)`, detail: `${name}::readOnlyRootFilesystem`, severity: 'LOW' });
      if (unknown.size) out.push({ resource: w.owner.source, message: `${name}: ${[...unknown].join(', ')} set by a reference, decided at apply time`, unknown: true, detail: name });
    }
    for (const { release, chart, values } of thirdPartyReleases(ctx)) {
      const severity = severityFor(Namespaces.isTeam(namespaces.find(release, release.values.namespace)));
      const v = values.values;
      const known = HOST_ACCESS_CHARTS[chart];
      const controls = new Set<string>(known ? known.restricted(v) : []);
      // Any chart: values Loom sets that weaken its defaults.
      for (const k of ['securityContext', 'podSecurityContext', 'containerSecurityContext']) {
        const sc = asObj(v[k]);
        if (sc.allowPrivilegeEscalation === true) controls.add('allowPrivilegeEscalation');
        if (sc.runAsNonRoot === false) controls.add('runAsNonRoot');
        if (sc.runAsUser !== undefined && Number(sc.runAsUser) === 0) controls.add('runAsUser');
        if (asObj(sc.seccompProfile).type === 'Unconfined') controls.add('seccompProfile');
      }
      for (const c of controls) out.push({ resource: release, message: `chart ${chart}: ${c}${known ? ` (${known.reason})` : ''}`, detail: `Chart::${chart}::${c}`, severity });
    }
    return out;
  },
};
