package dev.ecsa.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The values of a synthesized template's properties as one deployment would see them: {@code Fn::Join}, the pseudo
 * parameters (partition {@code aws}, the region, the account, {@code amazonaws.com}), and {@code Ref} or
 * {@code Fn::GetAtt} of a template resource through the caller's binding (the stack's tests bind placeholders, the
 * bench binds its own resources). One resolver for everyone who reads the template's policies.
 */
public final class TemplateValues {

    private final String region;
    private final String account;
    private final Function<String, String> resources;

    /**
     * @param resources the value of a resource: given its logical id for a {@code Ref}, or
     *                  {@code logicalId.Attribute} for an {@code Fn::GetAtt}
     */
    public TemplateValues(String region, String account, Function<String, String> resources) {
        this.region = region;
        this.account = account;
        this.resources = resources;
    }

    /** The value of one node: a literal as it is, an intrinsic resolved. */
    public String value(JsonNode node) {
        if (node.isValueNode()) {
            return node.asText();
        }
        if (node.has("Fn::Join")) {
            List<String> parts = new ArrayList<>();
            node.get("Fn::Join").get(1).forEach(p -> parts.add(value(p)));
            return String.join(node.get("Fn::Join").get(0).asText(), parts);
        }
        if (node.has("Ref")) {
            String ref = node.get("Ref").asText();
            return switch (ref) {
                case "AWS::Partition" -> "aws";
                case "AWS::Region" -> region;
                case "AWS::AccountId" -> account;
                case "AWS::URLSuffix" -> "amazonaws.com";
                default -> resources.apply(ref);
            };
        }
        if (node.has("Fn::GetAtt")) {
            return resources.apply(node.get("Fn::GetAtt").get(0).asText() + "." + node.get("Fn::GetAtt").get(1).asText());
        }
        throw new IllegalArgumentException("cannot resolve " + node);
    }

    /** A node that is one value or a list of them (an IAM statement's Action or Resource), each resolved. */
    public List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(value(n)));
        } else if (!node.isMissingNode()) {
            out.add(value(node));
        }
        return out;
    }
}
