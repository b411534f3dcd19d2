package dev.ecsa.local.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The ECS cluster query language, as far as container-instance filters need it.
 *
 * <p>Grammar ({@code cluster-query-language.md}): {@code subject operator [argument]} joined by
 * {@code &&}/{@code and}, {@code ||}/{@code or}, negated by {@code !}/{@code not}, grouped with parentheses.
 * Subjects: {@code agentConnected}, {@code agentVersion}, {@code attribute:<name>}, {@code ec2InstanceId},
 * {@code registeredAt} (epoch seconds), {@code runningTasksCount}, {@code task:group}. Operators: {@code ==},
 * {@code !=}, {@code >}, {@code >=}, {@code <}, {@code <=}, {@code exists}, {@code !exists}, {@code in},
 * {@code !in}, {@code =~}, {@code !~}. Arguments may be bare words or single/double quoted; lists are
 * {@code [a, 'b']}. Parsing errors throw {@link IllegalArgumentException}, which the simulator turns into
 * {@code InvalidParameterException} as ECS does.
 */
final class ClusterQuery {

    /** What a query can ask of one container instance. Values may contain {@code null} (a valueless attribute). */
    interface Target {
        List<String> values(String subject);
    }

    private final Node root;

    private ClusterQuery(Node root) {
        this.root = root;
    }

    static ClusterQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("The filter expression is empty.");
        }
        Parser parser = new Parser(tokenize(text));
        Node node = parser.or();
        if (!parser.atEnd()) {
            throw new IllegalArgumentException("Unexpected token '" + parser.peek() + "' in filter expression.");
        }
        return new ClusterQuery(node);
    }

    boolean matches(Target target) {
        return root.matches(target);
    }

    /**
     * Candidates from the indexes when the query pins them down (an equality or {@code in} on
     * {@code ec2InstanceId} or an attribute, possibly inside a conjunction), else {@code null}: scan everything.
     */
    <T> Set<T> narrow(Function<String, Set<T>> byEc2InstanceId, BiFunction<String, String, Set<T>> byAttribute) {
        return root.narrow(byEc2InstanceId, byAttribute);
    }

    // ---------------------------------------------------------------- AST

    private interface Node {
        boolean matches(Target t);

        default <T> Set<T> narrow(Function<String, Set<T>> ec2, BiFunction<String, String, Set<T>> attr) {
            return null;
        }
    }

    private record And(Node left, Node right) implements Node {
        public boolean matches(Target t) {
            return left.matches(t) && right.matches(t);
        }

        public <T> Set<T> narrow(Function<String, Set<T>> ec2, BiFunction<String, String, Set<T>> attr) {
            Set<T> l = left.narrow(ec2, attr);
            Set<T> r = right.narrow(ec2, attr);
            if (l == null) {
                return r;
            }
            if (r == null) {
                return l;
            }
            return l.size() <= r.size() ? l : r;
        }
    }

    private record Or(Node left, Node right) implements Node {
        public boolean matches(Target t) {
            return left.matches(t) || right.matches(t);
        }

        public <T> Set<T> narrow(Function<String, Set<T>> ec2, BiFunction<String, String, Set<T>> attr) {
            Set<T> l = left.narrow(ec2, attr);
            Set<T> r = right.narrow(ec2, attr);
            if (l == null || r == null) {
                return null;
            }
            Set<T> union = new HashSet<>(l);
            union.addAll(r);
            return union;
        }
    }

    private record Not(Node inner) implements Node {
        public boolean matches(Target t) {
            return !inner.matches(t);
        }
    }

    private record Comparison(String subject, String operator, List<String> arguments, Pattern regex) implements Node {
        public boolean matches(Target t) {
            List<String> values = t.values(subject);
            return switch (operator) {
                case "exists" -> !values.isEmpty();
                case "!exists" -> values.isEmpty();
                case "==" -> values.stream().anyMatch(v -> arguments.get(0).equals(v));
                case "!=" -> values.stream().noneMatch(v -> arguments.get(0).equals(v));
                case "in" -> values.stream().anyMatch(arguments::contains);
                case "!in" -> values.stream().noneMatch(arguments::contains);
                case "=~" -> values.stream().anyMatch(v -> v != null && regex.matcher(v).matches());
                case "!~" -> values.stream().noneMatch(v -> v != null && regex.matcher(v).matches());
                default -> values.stream().anyMatch(v -> v != null && compare(v, arguments.get(0)));
            };
        }

        private boolean compare(String value, String argument) {
            int c;
            try {
                c = Double.compare(Double.parseDouble(value), Double.parseDouble(argument));
            } catch (NumberFormatException e) {
                c = value.compareTo(argument);
            }
            return switch (operator) {
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                case "<" -> c < 0;
                default -> c <= 0;
            };
        }

        public <T> Set<T> narrow(Function<String, Set<T>> ec2, BiFunction<String, String, Set<T>> attr) {
            if (!operator.equals("==") && !operator.equals("in")) {
                return null;
            }
            Function<String, Set<T>> lookup;
            if (subject.equals("ec2InstanceId")) {
                lookup = ec2;
            } else if (subject.startsWith("attribute:")) {
                String name = subject.substring("attribute:".length());
                lookup = value -> attr.apply(name, value);
            } else {
                return null;
            }
            Set<T> result = new HashSet<>();
            for (String argument : arguments) {
                result.addAll(lookup.apply(argument));
            }
            return result;
        }
    }

    // ---------------------------------------------------------------- parsing

    private static final Set<String> OPERATORS =
            Set.of("==", "!=", ">", ">=", "<", "<=", "exists", "!exists", "in", "!in", "=~", "!~");

    private static boolean validSubject(String s) {
        return switch (s) {
            case "agentConnected", "agentVersion", "ec2InstanceId", "registeredAt", "runningTasksCount", "task:group" -> true;
            default -> s.startsWith("attribute:") && s.length() > "attribute:".length();
        };
    }

    /** A token; {@code quoted} marks string literals, which are never keywords or operators. */
    private record Token(String text, boolean quoted) {
        boolean is(String s) {
            return !quoted && text.equals(s);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if ("()[],".indexOf(c) >= 0) {
                tokens.add(new Token(String.valueOf(c), false));
                i++;
            } else if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("Unterminated quoted string in filter expression.");
                }
                tokens.add(new Token(s.substring(i + 1, end), true));
                i = end + 1;
            } else if (s.startsWith("&&", i) || s.startsWith("||", i)) {
                tokens.add(new Token(s.substring(i, i + 2), false));
                i += 2;
            } else if ("=!<>".indexOf(c) >= 0) {
                int start = i;
                while (i < s.length() && "=!<>~".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                // "!exists" / "!in" / "!(" / "!attribute..." : the bang may prefix a word or a group.
                String op = s.substring(start, i);
                if (op.equals("!") && i < s.length() && Character.isLetter(s.charAt(i))) {
                    int wordEnd = wordEnd(s, i);
                    String word = s.substring(i, wordEnd);
                    if (word.equals("exists") || word.equals("in")) {
                        op = "!" + word;
                        i = wordEnd;
                    }
                }
                tokens.add(new Token(op, false));
            } else {
                int end = wordEnd(s, i);
                if (end == i) {
                    throw new IllegalArgumentException("Unexpected character '" + c + "' in filter expression.");
                }
                tokens.add(new Token(s.substring(i, end), false));
                i = end;
            }
        }
        return tokens;
    }

    private static int wordEnd(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || "()[],'\"&|=!<>~".indexOf(c) >= 0) {
                break;
            }
            i++;
        }
        return i;
    }

    private static final class Parser {
        private final List<Token> tokens;
        private int pos;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        boolean atEnd() {
            return pos >= tokens.size();
        }

        Token peek() {
            return atEnd() ? null : tokens.get(pos);
        }

        Token next() {
            if (atEnd()) {
                throw new IllegalArgumentException("Unexpected end of filter expression.");
            }
            return tokens.get(pos++);
        }

        boolean accept(String... options) {
            Token t = peek();
            if (t != null) {
                for (String o : options) {
                    if (t.is(o)) {
                        pos++;
                        return true;
                    }
                }
            }
            return false;
        }

        void expect(String s) {
            Token t = next();
            if (!t.is(s)) {
                throw new IllegalArgumentException("Expected '" + s + "' but found '" + t + "' in filter expression.");
            }
        }

        Node or() {
            Node left = and();
            while (accept("||", "or")) {
                left = new Or(left, and());
            }
            return left;
        }

        Node and() {
            Node left = unary();
            while (accept("&&", "and")) {
                left = new And(left, unary());
            }
            return left;
        }

        Node unary() {
            if (accept("!", "not")) {
                return new Not(unary());
            }
            if (accept("(")) {
                Node inner = or();
                expect(")");
                return inner;
            }
            return comparison();
        }

        Node comparison() {
            Token subject = next();
            if (subject.quoted() || !validSubject(subject.text())) {
                throw new IllegalArgumentException("Unsupported subject '" + subject + "' in filter expression.");
            }
            Token operator = next();
            if (operator.quoted() || !OPERATORS.contains(operator.text())) {
                throw new IllegalArgumentException("Unsupported operator '" + operator + "' in filter expression.");
            }
            String op = operator.text();
            List<String> arguments = new ArrayList<>();
            Pattern regex = null;
            switch (op) {
                case "exists", "!exists" -> { }
                case "in", "!in" -> {
                    expect("[");
                    do {
                        arguments.add(literal());
                    } while (accept(","));
                    expect("]");
                }
                default -> arguments.add(literal());
            }
            if (op.equals("=~") || op.equals("!~")) {
                try {
                    regex = Pattern.compile(arguments.get(0));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("Invalid regular expression in filter expression.");
                }
            }
            return new Comparison(subject.text(), op, List.copyOf(arguments), regex);
        }

        String literal() {
            Token t = next();
            if (!t.quoted() && (OPERATORS.contains(t.text()) || "()[],".contains(t.text()) || t.is("&&") || t.is("||"))) {
                throw new IllegalArgumentException("Expected a value but found '" + t + "' in filter expression.");
            }
            return t.text();
        }
    }
}
