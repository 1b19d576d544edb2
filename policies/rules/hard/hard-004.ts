/**
 * LOOM-HARD-004: Pod Security Standards, Baseline, on every workload: no privileged containers,
 * host namespaces, hostPath volumes or hostPorts, capabilities within the baseline set, no
 * Unconfined seccomp/AppArmor, only safe sysctls, no Windows HostProcess, no unmasked /proc. Node
 * agents that need the host (GPU operator, node-exporter, the registry-ca DaemonSet) are findings
 * too: they are allowed only through an exception with a reason.
 */
import type { WorkloadView } from '../../kubernetes';
import type { PolicyRule, RuleFinding } from '../../types';
import { isObject, isReference } from '../../values';
import { allWorkloads, HOST_ACCESS_CHARTS, thirdPartyReleases, workloadName } from './common';

/** Capabilities PSS Baseline allows adding. */
const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Sysctls PSS Baseline allows. */
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

const asObj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : Array.isArray(v) && isObject(v[0]) ? v[0] : {});
/** true / false / 'unknown' / undefined of a boolean-ish value. */
const tri = (v: unknown): boolean | 'unknown' | undefined => (v === undefined || v === null ? undefined : isReference(v) ? 'unknown' : v === true || v === 'true');

/** The Baseline controls a workload breaks (control → what), and whether a reference left one undecided. */
export function baselineViolations(w: WorkloadView): { violations: [string, string][]; unknown: string[] } {
  const violations: [string, string][] = [];
  const unknown: string[] = [];
  const check = (control: string, v: unknown, what: string) => {
    const t = tri(v);
    if (t === 'unknown') unknown.push(control);
    else if (t === true) violations.push([control, what]);
  };
  const pod = w.podSpec;
  check('hostNetwork', pod.hostNetwork, 'hostNetwork: true');
  check('hostPID', pod.hostPID, 'hostPID: true');
  check('hostIPC', pod.hostIPC, 'hostIPC: true');
  for (const v of Array.isArray(pod.volumes) ? pod.volumes : []) if (isObject(v) && v.hostPath !== undefined) violations.push(['hostPath', `volume ${String(v.name)} is a hostPath (${String(asObj(v.hostPath).path ?? '')})`]);
  const podSc = asObj(pod.securityContext);
  const seccomp = (sc: Record<string, unknown>, where: string) => {
    const t = asObj(sc.seccompProfile).type;
    if (t === 'Unconfined') violations.push(['seccomp', `${where}seccompProfile Unconfined`]);
    const a = asObj(sc.appArmorProfile).type;
    if (a === 'Unconfined') violations.push(['appArmor', `${where}appArmorProfile Unconfined`]);
    const se = asObj(sc.seLinuxOptions);
    if (se.type !== undefined && !SELINUX_TYPES.has(String(se.type))) violations.push(['seLinux', `${where}seLinuxOptions.type ${String(se.type)}`]);
    if (se.user !== undefined || se.role !== undefined) violations.push(['seLinux', `${where}seLinuxOptions sets user/role`]);
    check('hostProcess', asObj(sc.windowsOptions).hostProcess, `${where}windowsOptions.hostProcess: true`);
  };
  seccomp(podSc, 'pod ');
  for (const s of Array.isArray(podSc.sysctls) ? podSc.sysctls : []) {
    const name = String(asObj(s).name ?? '');
    if (!SAFE_SYSCTLS.has(name)) violations.push(['sysctls', `unsafe sysctl ${name}`]);
  }
  const annotations = asObj(asObj(asObj(asObj(w.owner.object.spec).template).metadata).annotations);
  for (const [k, v] of Object.entries(annotations)) if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v === 'unconfined') violations.push(['appArmor', `annotation ${k}: unconfined`]);
  for (const c of w.containers) {
    const sc = c.securityContext;
    const where = `container ${c.name} `;
    check('privileged', sc.privileged, `${where}privileged: true`);
    seccomp(sc as Record<string, unknown>, where);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') violations.push(['procMount', `${where}procMount ${String(sc.procMount)}`]);
    const add = asObj(sc.capabilities).add;
    for (const cap of Array.isArray(add) ? add : []) {
      const name = String(cap).replace(/^CAP_/, '');
      if (!BASELINE_CAPS.has(name)) violations.push(['capabilities', `${where}adds ${name}`]);
    }
    for (const p of c.ports) if (p.hostPort !== undefined && Number(p.hostPort) !== 0) violations.push(['hostPort', `${where}hostPort ${String(p.hostPort)}`]);
  }
  return { violations, unknown };
}

/** PSS Baseline on every workload and on the host-access charts Loom pins. */
export const HARD_004: PolicyRule = {
  id: 'LOOM-HARD-004',
  area: 'HARD',
  title: 'PSS Baseline on every workload',
  severity: { baseline: 'CRITICAL' },
  rationale: 'Privileged containers, host namespaces, hostPath mounts and extra capabilities are each a direct path from a compromised container to the node and from there to every workload on it.',
  fix: 'Drop the host access from the pod spec; node agents that truly need it (GPU operator, node-exporter, Loom\'s registry-ca DaemonSet) run in the node-agents namespace and need an exception with a reason (policies.suppressions, appliesTo the finding).',
  anchors: ['CKV_K8S_16', 'CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19', 'CKV_K8S_25', 'CKV_K8S_26', 'CKV_K8S_27', 'CKV_K8S_39', 'AVD-KSV-0017', 'AVD-KSV-0008', 'AVD-KSV-0009', 'AVD-KSV-0010', 'AVD-KSV-0022', 'AVD-KSV-0023', 'AVD-KSV-0024', 'AVD-KSV-0104', 'AVD-KSV-0026', 'AVD-KSV-0103', 'PSS-B', 'CIS EKS 4.2.1', 'CIS EKS 4.2.2', 'CIS EKS 4.2.3', 'CIS EKS 4.2.4'],
  providers: ['kubernetes', 'helm'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    for (const w of allWorkloads(ctx)) {
      const { violations, unknown } = baselineViolations(w);
      const name = workloadName(w);
      const controls = [...new Set(violations.map(([c]) => c))];
      for (const control of controls) {
        out.push({ resource: w.owner.source, message: `${name}: ${violations.filter(([c]) => c === control).map(([, m]) => m).join('; ')}`, detail: `${name}::${control}` });
      }
      if (unknown.length) out.push({ resource: w.owner.source, message: `${name}: ${unknown.join(', ')} set by a reference, decided at apply time`, unknown: true, detail: name });
    }
    for (const { release, chart, values } of thirdPartyReleases(ctx)) {
      const known = HOST_ACCESS_CHARTS[chart];
      const v = values.values;
      const controls = new Set<string>(known ? known.baseline(v) : []);
      // Any chart: the common top-level keys.
      for (const k of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (v[k] === true || v[k] === 'true') controls.add(k);
      for (const k of ['securityContext', 'containerSecurityContext']) if (asObj(v[k]).privileged === true) controls.add('privileged');
      if (values.unknown && !known) out.push({ resource: release, message: `chart ${chart}: values are built at apply time and cannot be read`, unknown: true, detail: `Chart::${chart}` });
      for (const c of controls) out.push({ resource: release, message: `chart ${chart}: ${c}${known ? ` (${known.reason})` : ''}`, detail: `Chart::${chart}::${c}` });
    }
    return out;
  },
};
