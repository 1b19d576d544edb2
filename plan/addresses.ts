/**
 * The deterministic, append-stable address plan.
 *
 * Layout of `network.cidr`:
 * - the top /21 is the public block, cut into eight /24s (zone i takes the i-th);
 * - clusters take blocks from the bottom, in spec order, each aligned to its own size, sized by
 *   flavour; each block is cut into eight per-zone node subnets (zone i takes the i-th).
 *
 * Because blocks are handed out in order and never resized by anything that can be appended
 * (pools do not change a block; zones use fixed slots), appending a cluster or a pool never
 * changes an existing subnet. Reordering or removing clusters does: the README says so.
 */
import ipaddr from 'ipaddr.js';

/** Raised when the plan cannot be laid out; carries the spec path to blame. */
export class PlanError extends Error {
  constructor(
    /** The spec path the problem is reported at, e.g. `network.cidr`. */
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

export const PUBLIC_BLOCK_PREFIX = 21;
/** Each cluster block and the public block are cut into this many zone slots (≥ 6 zones). */
export const ZONE_SLOTS = 8;
export const SLOT_BITS = 3;

/** An IPv4 CIDR as numbers. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

export function parseCidr(cidr: string): Cidr {
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  return { base: toInt(addr), prefix };
}

export function toInt(addr: ipaddr.IPv4): number {
  return addr.octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${Math.floor(b / 2 ** 24) % 256}.${Math.floor(b / 2 ** 16) % 256}.${Math.floor(b / 2 ** 8) % 256}.${b % 256}/${c.prefix}`;
}

export const sizeOf = (prefix: number) => 2 ** (32 - prefix);

/** The i-th of the 2^bits equal parts of `c`. */
export function subdivide(c: Cidr, bits: number, index: number): Cidr {
  const prefix = c.prefix + bits;
  return { base: c.base + index * sizeOf(prefix), prefix };
}

/** Whether two CIDRs share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + sizeOf(b.prefix) && b.base < a.base + sizeOf(a.prefix);
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + sizeOf(inner.prefix) <= outer.base + sizeOf(outer.prefix);
}

/**
 * Hands out aligned blocks from a range, lowest first, in call order. Deterministic: the same
 * calls in the same order give the same blocks, and extra calls at the end change nothing before.
 */
export class SequentialAllocator {
  private cursor: number;
  private end: number;

  constructor(
    readonly range: Cidr,
    end?: number,
    private readonly path = 'network.cidr',
  ) {
    this.cursor = range.base;
    this.end = end ?? range.base + sizeOf(range.prefix);
  }

  /**
   * Keeps the allocator below `base` from now on (a block reserved from the top, such as the data
   * tier). Throws {@link PlanError} when blocks already handed out reach past it.
   */
  stopAt(base: number, what: string): void {
    if (this.cursor > base) {
      throw new PlanError(this.path, `${formatCidr(this.range)} has no room left for ${what}: the blocks already planned reach ${formatCidr({ base: this.cursor - 1, prefix: 32 }).replace('/32', '')}; use a larger range or fewer clusters`);
    }
    this.end = Math.min(this.end, base);
  }

  /** The next free block of `/prefix`, aligned to its size. */
  allocate(prefix: number, what: string): Cidr {
    const size = sizeOf(prefix);
    if (prefix < this.range.prefix) {
      throw new PlanError(this.path, `${formatCidr(this.range)} is smaller than the /${prefix} that ${what} needs; use a larger range (at most /${prefix})`);
    }
    const base = Math.ceil(this.cursor / size) * size;
    if (base + size > this.end) {
      const used = this.cursor - this.range.base;
      throw new PlanError(
        this.path,
        `${formatCidr(this.range)} has no room left for ${what} (needs a /${prefix}; ${used} of ${this.end - this.range.base} usable addresses already planned); use a larger range or fewer clusters`,
      );
    }
    this.cursor = base + size;
    return { base, prefix };
  }
}

/** A fixed internal load balancer address in a subnet, and the block reserved around it. */
export interface ReservedAddress {
  /** The /28 set aside for internal load balancers: the subnet's second-highest (clear of the addresses clouds keep). */
  readonly reservation: string;
  /** The address: the `slot`-th of that /28. */
  readonly address: string;
}

export const LOAD_BALANCER_RESERVATION_PREFIX = 28;
/** How many fixed load balancer addresses one reservation holds. */
export const LOAD_BALANCER_SLOT_COUNT = 2 ** (32 - LOAD_BALANCER_RESERVATION_PREFIX);

/**
 * The `slot`-th fixed address of an internal load balancer in `subnet` (Harbor's, MLflow's, …,
 * which DNS points at): derived from the subnet alone, so DNS records know it at plan time and
 * nothing calls a cloud. The top of the subnet keeps it away from the low addresses clouds hand
 * out first and from the ones they keep (AWS the first four and the last, Google Cloud the last two).
 */
export function reservedLoadBalancerAddress(subnet: string, slot = 0): ReservedAddress {
  const range = parseCidr(subnet);
  if (range.prefix > LOAD_BALANCER_RESERVATION_PREFIX - 2) {
    throw new PlanError('network.cidr', `subnet ${subnet} is too small to set a load balancer address aside (needs at least a /${LOAD_BALANCER_RESERVATION_PREFIX - 2})`);
  }
  if (!Number.isInteger(slot) || slot < 0 || slot >= LOAD_BALANCER_SLOT_COUNT) throw new RangeError(`load balancer slot ${slot} is outside 0–${LOAD_BALANCER_SLOT_COUNT - 1}`);
  const block = sizeOf(LOAD_BALANCER_RESERVATION_PREFIX);
  const base = range.base + sizeOf(range.prefix) - 2 * block;
  const reservation: Cidr = { base, prefix: LOAD_BALANCER_RESERVATION_PREFIX };
  return { reservation: formatCidr(reservation), address: formatCidr({ base: base + slot, prefix: 32 }).replace(/\/32$/, '') };
}
