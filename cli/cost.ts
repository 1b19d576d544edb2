/**
 * `loom cost`: the build-vs-buy report (plan/cost.ts) as a table for people, Markdown for a pull
 * request or a wiki, or JSON for tools.
 */
import type { ComponentCost, CostLine, CostReport, OptionCost, Pivot } from '../plan/cost';

/** The formats `loom cost --format` takes. */
export const COST_FORMATS = ['table', 'json', 'markdown'] as const;
/** One of {@link COST_FORMATS}. */
export type CostFormat = (typeof COST_FORMATS)[number];

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });
const mark = (l: CostLine) => (l.estimate ? '~' : ' ');

function pivotText(p: Pivot | null, c: ComponentCost): string {
  if (!p) return 'no pivot: nothing to buy on existing clusters';
  const other = p.cheaperBelow === 'build' ? 'buy' : 'build';
  const sens = `at −50% labour rate: ${p.atRateMinus50 === null ? 'none in range' : num(p.atRateMinus50)}, at +50%: ${p.atRatePlus50 === null ? 'none in range' : num(p.atRatePlus50)}`;
  if (p.value === null) return `no pivot in range (${num(p.range[0])}–${num(p.range[1])} ${p.unit}): ${p.cheaperBelow} is cheaper throughout; ${sens}`;
  const where = p.current < p.value ? 'below' : 'past';
  const step = p.kind === 'step' ? ' (a price step: the next size of the service)' : '';
  return `${p.cheaperBelow} is cheaper below ${num(p.value)} ${p.unit}${step}, ${other} above; today ${num(p.current)} (${where} it), so ${p.current < p.value ? p.cheaperBelow : other} — ${sens}${c.mode !== (p.current < p.value ? p.cheaperBelow : other) ? ` [the spec ${c.mode}s]` : ''}`;
}

function optionLines(title: string, o: OptionCost, chosen: boolean, indent: string): string[] {
  const out = [`${indent}${chosen ? '▶' : ' '} ${title.padEnd(46)} ${usd(o.monthly).padStart(12)}`];
  for (const l of o.lines) out.push(`${indent}    ${mark(l)} ${l.item.padEnd(62)} ${usd(l.monthly).padStart(12)}`);
  return out;
}

/** The report as a plain-text table. */
export function formatCostTable(r: CostReport, platform: string): string {
  const out: string[] = [];
  out.push(`${platform}: ${r.cloud} ${r.region} — build vs buy, USD a month (price book ${r.priceBook.version}, ${r.priceBook.date}; usage: ${r.usage.size} profile${r.usage.fromFile ? ' + usage file' : ''}, labour $${num(r.usage.hourlyRate)}/h)`);
  out.push('▶ the spec\'s choice   ~ an estimated price or an assumed input');
  out.push('');
  for (const c of r.components) {
    out.push(`${c.name} — ${c.mode} today`);
    out.push(...optionLines(`build: ${c.products.build}`, c.build, c.mode === 'build', '  '));
    if (c.buy) out.push(...optionLines(`buy: ${c.products.buy}`, c.buy, c.mode === 'buy', '  '));
    out.push(`  pivot along ${c.pivot?.driver ?? '—'}: ${pivotText(c.pivot, c)}`);
    out.push('');
  }
  out.push(`shared platform step (paid once as soon as anything is built; ${r.platform.sharedIncluded ? 'the spec builds, so it pays it' : 'the spec buys everything, so it does not'})`);
  for (const l of r.platform.shared.lines) out.push(`    ${mark(l)} ${l.item.padEnd(62)} ${usd(l.monthly).padStart(12)}`);
  out.push(`      ${'total'.padEnd(62)} ${usd(r.platform.shared.monthly).padStart(12)}`);
  out.push('');
  out.push('platform, a month');
  for (const c of r.platform.byComponent) out.push(`    ${`${c.name} (${c.mode})`.padEnd(64)} ${usd(c.monthly).padStart(12)}`);
  if (r.platform.sharedIncluded) out.push(`    ${'shared platform step'.padEnd(64)} ${usd(r.platform.shared.monthly).padStart(12)}`);
  out.push(`    ${'current mix'.padEnd(64)} ${usd(r.platform.alternatives.current).padStart(12)}`);
  out.push(`    ${'everything built'.padEnd(64)} ${usd(r.platform.alternatives.allBuild).padStart(12)}`);
  if (r.platform.alternatives.allBuy !== null) out.push(`    ${'everything bought'.padEnd(64)} ${usd(r.platform.alternatives.allBuy).padStart(12)}`);
  out.push('');
  out.push('by stack (current mix; labour is people, not a stack)');
  for (const s of r.platform.byStack) out.push(`    ${s.stack.padEnd(64)} ${usd(s.monthly).padStart(12)}`);
  if (r.warnings.length) {
    out.push('');
    for (const w of r.warnings) out.push(`warning: ${w}`);
  }
  return `${out.join('\n')}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The report as Markdown (a pull request comment, a wiki page). */
export function formatCostMarkdown(r: CostReport, platform: string): string {
  const out: string[] = [];
  out.push(`## ${platform}: build vs buy (${r.cloud} ${r.region}, USD a month)`);
  out.push('');
  out.push(`Price book ${r.priceBook.version} (${r.priceBook.date}); usage: ${r.usage.size} profile${r.usage.fromFile ? ' + usage file' : ''}; labour $${num(r.usage.hourlyRate)}/h. **Bold** is the spec's choice; ~ marks an estimated price or assumed input.`);
  out.push('');
  out.push('| component | today | build | buy | pivot |');
  out.push('|---|---|---:|---:|---|');
  for (const c of r.components) {
    const b = usd(c.build.monthly);
    const y = c.buy ? usd(c.buy.monthly) : '—';
    out.push(`| ${c.name} | ${c.mode} | ${c.mode === 'build' ? `**${b}**` : b} ${cell(c.products.build)} | ${c.mode === 'buy' ? `**${y}**` : y} ${cell(c.products.buy ?? '')} | ${cell(c.pivot ? `${c.pivot.driver}: ${pivotText(c.pivot, c)}` : 'nothing to buy')} |`);
  }
  out.push('');
  out.push(`| platform | a month |`);
  out.push('|---|---:|');
  out.push(`| shared platform step${r.platform.sharedIncluded ? '' : ' (not paid: everything bought)'} | ${usd(r.platform.shared.monthly)} |`);
  out.push(`| **current mix** | **${usd(r.platform.alternatives.current)}** |`);
  out.push(`| everything built | ${usd(r.platform.alternatives.allBuild)} |`);
  if (r.platform.alternatives.allBuy !== null) out.push(`| everything bought | ${usd(r.platform.alternatives.allBuy)} |`);
  for (const s of r.platform.byStack) out.push(`| stack ${cell(s.stack)} | ${usd(s.monthly)} |`);
  for (const c of r.components) {
    out.push('');
    out.push(`<details><summary>${c.name}: lines</summary>`);
    out.push('');
    out.push('| option | item | a month | source |');
    out.push('|---|---|---:|---|');
    const rows = (label: string, o: OptionCost | null) => o?.lines.forEach((l) => out.push(`| ${label} | ${l.estimate ? '~ ' : ''}${cell(l.item)} | ${usd(l.monthly)} | ${cell(l.source)} |`));
    rows('build', c.build);
    rows('buy', c.buy);
    out.push('');
    out.push('</details>');
  }
  if (r.warnings.length) {
    out.push('');
    for (const w of r.warnings) out.push(`> warning: ${cell(w)}`);
  }
  return `${out.join('\n')}\n`;
}
