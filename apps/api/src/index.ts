export { type ApiServer, type ApiServerOptions, startApiServer } from "./api-server.ts";
export { type App, newApp } from "./app.ts";
export type { ApiDeps } from "./app-env.ts";
export { IntakeGuard } from "./intake/intake-guard.ts";
export { ReportIntake } from "./intake/report-intake.ts";
export { createApiMetrics } from "./metrics.ts";
