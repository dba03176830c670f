/**
 * Schedules as the spark-operator's ScheduledSparkApplication controller reads them (v2.5.2,
 * internal/controller/scheduledsparkapplication/controller.go): `cron.ParseStandard` of
 * github.com/robfig/cron/v3 on "CRON_TZ=<timeZone> <schedule>": five fields (minute hour
 * day-of-month month day-of-week) or a descriptor (@yearly, @annually, @monthly, @weekly, @daily,
 * @midnight, @hourly, @every <duration>); the time zone goes to Go's time.LoadLocation ("Local",
 * "UTC" or an IANA name). A schedule the controller cannot parse only shows as FailedValidation in
 * the object's status; here it fails the preview.
 */

/** robfig/cron v3 ParseStandard's fields: bounds and the names a field accepts (parser.go). */
const FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
    { name: "day of week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];
const DESCRIPTORS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
/** Go's time.ParseDuration units. */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

function value(field: (typeof FIELDS)[number], s: string): number | undefined {
    const named = field.names?.indexOf(s.toLowerCase()) ?? -1;
    if (named >= 0) return named + field.min;
    if (!/^\d+$/.test(s)) return undefined;
    return Number(s);
}

function fieldProblem(field: (typeof FIELDS)[number], text: string): string | undefined {
    for (const part of text.split(",")) {
        const [range, step, extra] = part.split("/");
        if (extra !== undefined || range === "")
            return `"${part}" is not a ${field.name} (a value, a range a-b, * or ?, with an optional /step)`;
        if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `the step of "${part}" must be a positive number`;
        if (range === "*" || range === "?") continue;
        const [lo, hi, more] = range.split("-");
        const a = value(field, lo);
        const b = hi === undefined ? a : value(field, hi);
        if (more !== undefined || a === undefined || b === undefined) return `"${part}" is not a ${field.name}`;
        if (a < field.min || b > field.max || a > b) return `"${part}" is out of range for the ${field.name} (${field.min}-${field.max})`;
    }
    return undefined;
}

/** What is wrong with a schedule, or undefined. */
export function cronProblem(schedule: string): string | undefined {
    const s = schedule.trim();
    if (s.startsWith("CRON_TZ=") || s.startsWith("TZ=")) return "set the time zone with timeZone, not in the schedule";
    if (s.startsWith("@")) {
        if (DESCRIPTORS.includes(s)) return undefined;
        const every = /^@every\s+(\S+)$/.exec(s);
        if (every && DURATION.test(every[1])) return undefined;
        return `"${s}" is not a descriptor (${DESCRIPTORS.join(", ")}, @every <duration> such as @every 6h)`;
    }
    const parts = s.split(/\s+/);
    if (parts.length !== 5)
        return `"${s}" has ${parts.length} fields; a schedule has 5 (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`;
    for (let i = 0; i < 5; i++) {
        const p = fieldProblem(FIELDS[i], parts[i]);
        if (p) return p;
    }
    return undefined;
}

/** What is wrong with a time zone, or undefined ("" is the operator's local time). */
export function timeZoneProblem(tz: string): string | undefined {
    if (tz === "" || tz === "Local" || tz === "UTC") return undefined;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return undefined;
    } catch {
        return `"${tz}" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`;
    }
}
