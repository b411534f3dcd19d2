package dev.ecsa.core.fleet;

/** SSM Change Calendar states (GetCalendarState). */
public interface ChangeCalendars {

    /**
     * The calendar's state now.
     *
     * @throws dev.ecsa.core.error.NodeOperationException when SSM cannot answer (retryable) or refuses the name
     */
    Admission.CalendarState state(String calendarNameOrArn);
}
