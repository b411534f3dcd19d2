package dev.ecsa.functions.aws;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.fleet.Admission;
import dev.ecsa.core.fleet.ChangeCalendars;
import dev.ecsa.store.AwsErrors;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCalendarStateResponse;

/** {@link ChangeCalendars} on SSM: GetCalendarState for one calendar (authorized on the calendar's document). */
public final class SsmChangeCalendars implements ChangeCalendars {

    private final SsmClient ssm;

    public SsmChangeCalendars(SsmClient ssm) {
        this.ssm = Objects.requireNonNull(ssm, "ssm");
    }

    @Override
    public Admission.CalendarState state(String calendarNameOrArn) {
        GetCalendarStateResponse answer;
        try {
            answer = ssm.getCalendarState(r -> r.calendarNames(calendarNameOrArn));
        } catch (SdkException e) {
            throw AwsErrors.translate("SSM GetCalendarState", e);
        }
        String state = answer.stateAsString();
        if ("OPEN".equals(state)) {
            return Admission.CalendarState.OPEN;
        }
        if ("CLOSED".equals(state)) {
            return Admission.CalendarState.CLOSED;
        }
        throw new PermanentException(Reason.INTERNAL, "SSM GetCalendarState answered state " + state + " for "
                + calendarNameOrArn);
    }
}
