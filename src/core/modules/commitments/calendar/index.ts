export {
  ALWAYS_OPEN_CALENDAR,
  BusinessCalendar,
  calendarSpecSchema,
  STANDARD_CALENDAR,
  type CalendarSpec,
  type Weekday,
} from './calendar.ts';
