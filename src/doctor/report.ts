/** What `dbctl doctor` reports: one section per concern, each with its own status. */
export type SectionStatus = 'ok' | 'attention' | 'unknown' | 'skipped';

export interface Section {
  status: SectionStatus;
  /** One line for the human report. */
  summary: string;
  [fact: string]: unknown;
}

export const SECTIONS = ['config', 'connection', 'pglite', 'extensions', 'migrations', 'lock', 'sessions', 'types', 'citus'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface DoctorReport {
  /** False when any section needs attention. */
  ok: boolean;
  /** The sections that need attention, in report order. */
  attention: SectionName[];
  sections: Record<SectionName, Section>;
}

export function section(status: SectionStatus, summary: string, facts: Record<string, unknown> = {}): Section {
  return { status, summary, ...facts };
}
