// Chinese names of the schema's enums, for the screens.
export const KIND: Record<string, string> = {
  ADVANCE_NOTICE: "预告登记",
  ADVANCE_MORTGAGE: "预告抵押",
  FIRST_OWNERSHIP: "首次登记",
  TRANSFER: "转移登记",
  MORTGAGE: "抵押权登记",
  MORTGAGE_DISCHARGE: "抵押注销",
  SEIZURE: "查封登记",
  SEIZURE_RELEASE: "解封登记",
  CANCELLATION: "注销登记",
  OBJECTION: "异议登记",
  CORRECTION: "更正登记",
};

export const STEP: Record<string, string> = {
  FILING_TO_ADVANCE_NOTICE_DECISION: "网签备案 → 预告登记办结",
  SUBMISSION_TO_DECISION: "申请提交 → 审核决定",
  COMPLETION_ACCEPTANCE_TO_TRANSFER: "竣工验收备案 → 转移登记(交房即交证)",
  APPLICATION_TO_DECISION: "申请 → 办结",
};

export function kindName(kind: string | null): string {
  return kind ? KIND[kind] ?? kind : "未知";
}

export function percent(value: string | null): string {
  return value === null ? "—" : `${(Number(value) * 100).toFixed(2)}%`;
}

export function duration(seconds: string | number): string {
  const s = Number(seconds);
  if (s < 60) return `${s.toFixed(s < 10 && s % 1 ? 3 : 0)} 秒`;
  if (s < 3600) return `${(s / 60).toFixed(1)} 分钟`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} 小时`;
  return `${(s / 86400).toFixed(1)} 天`;
}

export function localTime(iso: string): string {
  return new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
}
