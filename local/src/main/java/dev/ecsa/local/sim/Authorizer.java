package dev.ecsa.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Decides whether a caller may make a call the bench serves, as IAM would. */
public interface Authorizer {

    /**
     * @param accessKeyId the caller's access key id (from the request's SigV4 Authorization header)
     * @param target      the call, as its {@code X-Amz-Target} names it, e.g. {@code AmazonSSM.CreateActivation}
     * @param request     the call's JSON body
     * @return why the call is denied, in AWS's words; empty when it is allowed (or the caller is not one the
     *     authorizer knows, such as a test's own client)
     */
    Optional<String> denial(String accessKeyId, String target, JsonNode request);

    /** The access key id of a SigV4-signed request: {@code Credential=AKID/date/region/service/aws4_request}. */
    static String accessKeyOf(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        int at = authorizationHeader.indexOf("Credential=");
        if (at < 0) {
            return null;
        }
        int end = authorizationHeader.indexOf('/', at);
        return end < 0 ? null : authorizationHeader.substring(at + "Credential=".length(), end);
    }
}
