// Result shapes of the documents in ./documents (checked against schema.graphql by scripts/check-documents.mjs).
export interface Party { name: string; idNumber: string }

export interface PropertyResult {
  property: null | {
    id: string;
    unitCode: string;
    address: string;
    buildingArea: string;
    usage: string;
    status: string;
    owners: Party[];
    activeContract: null | { number: string | null; status: string; buyers: { party: Party; share: string }[] };
    registrations: {
      edges: {
        node: {
          id: string;
          kind: string;
          number: string | null;
          rightStatus: string;
          completedAt: string | null;
          rightHolders: { name: string }[];
          certificate: null | { number: string; kind: string; issuedAt: string };
        };
      }[];
    };
    mortgages: { edges: { node: { id: string; status: string; principal: string; termMonths: number; lender: { name: string } } }[] };
    history: { edges: { node: { cursor: string; type: string; occurredAt: string; payload: Record<string, unknown> } }[] };
  };
}

export interface Rate { numerator: number; denominator: number; value: string | null }

export interface MetricsResult {
  metrics: null | {
    from: string;
    to: string;
    asOf: string;
    statutoryLimitWorkingDays: number;
    deliveryWithCertificateDays: number;
    applications: { kind: string | null; completed: number; rejected: number; inReview: number; withdrawn: number }[];
    durations: {
      step: string;
      kind: string | null;
      decidedBy: string | null;
      count: number;
      p50Seconds: string;
      p90Seconds: string;
      maxSeconds: string;
    }[];
    instantApproval: Rate;
    deliveryWithCertificate: Rate;
    zeroVisits: Rate;
    overdue: {
      registrationId: string;
      kind: string | null;
      status: string | null;
      unitCode: string | null;
      submittedAt: string;
      workingDaysOpen: number;
      openSeconds: number;
    }[];
  };
}

export interface ViewerResult { viewer: { role: string; subject: string } }

export interface RuleCheck { rule: string; passed: boolean; message: string }

export interface ReviewItem {
  id: string;
  kind: string;
  status: string;
  submittedAt: string | null;
  applicationForm: Record<string, unknown>;
  property: { unitCode: string; address: string };
  applicants: Party[];
  checks: RuleCheck[];
  inquiry: { party: { name: string }; answer: boolean; answeredAt: string }[];
}

export interface ReviewQueueResult {
  registrations: { totalCount: number; edges: { node: ReviewItem }[] };
}

export interface UserError { code: string; field: string[] | null; message: string }

export interface HistoryEvent { cursor: string; type: string; occurredAt: string; payload: Record<string, unknown> }

export interface DecideResult {
  decideRegistration: {
    registration: null | {
      id: string;
      kind: string;
      status: string;
      number: string | null;
      decidedBy: string | null;
      decision: null | { reason: string; deciderSubject: string; decidedAt: string };
      property: { unitCode: string; history: { edges: { node: HistoryEvent }[] } };
    };
    userErrors: UserError[];
  };
}
