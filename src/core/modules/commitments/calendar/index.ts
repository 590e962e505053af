export {
  ALWAYS_OPEN_CALENDAR,
  BusinessCalendar,
  calendarSpecSchema,
  STANDARD_CALENDAR,
  type CalendarSpec,
  type Weekday,
} from './calendar.ts';
export { CHINA_SCHEDULE_LAST_YEAR, chinaScheduleNotice } from './china-statutory.ts';
