package dev.mlapi.components;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/** Kubernetes naming rules, shared by validation and by the components that build names. */
public final class KubernetesNames {
    public static final int MAX_LABEL = 63;
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$");
    public static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease", "default");

    private KubernetesNames() {}

    /** RFC 1123 label: namespaces, Services, container and port names. */
    public static boolean isDnsLabel(String s) {
        return s != null && s.length() <= MAX_LABEL && DNS_LABEL.matcher(s).matches();
    }

    /** RFC 1123 subdomain: most other object names, and host names. */
    public static boolean isDnsSubdomain(String s) {
        return s != null && s.length() <= 253 && DNS_SUBDOMAIN.matcher(s).matches();
    }

    public static boolean isLabelValue(String s) {
        return s != null && s.length() <= MAX_LABEL && LABEL_VALUE.matcher(s).matches();
    }

    /** A label or annotation key: optional DNS prefix, then a name of at most 63 characters. */
    public static boolean isQualifiedName(String s) {
        if (s == null || !QUALIFIED_NAME.matcher(s).matches()) {
            return false;
        }
        int slash = s.indexOf('/');
        return s.length() - slash - 1 <= MAX_LABEL && slash <= 253;
    }

    /**
     * {@code base-suffix}, cut to at most {@code max} characters. A name that is too long keeps a
     * short hash of the whole so two long names that share a prefix stay distinct.
     */
    public static String join(int max, String base, String suffix) {
        String full = suffix.isEmpty() ? base : base + "-" + suffix;
        if (full.length() <= max) {
            return full;
        }
        String hash = sha256Hex(full).substring(0, 8);
        String tail = suffix.isEmpty() ? "-" + hash : "-" + suffix + "-" + hash;
        String head = base.substring(0, Math.max(1, max - tail.length())).replaceAll("-+$", "");
        String joined = head + tail;
        return joined.length() <= max ? joined : joined.substring(joined.length() - max).replaceAll("^-+", "");
    }

    /** A label value for free text (such as an image tag): invalid characters replaced, cut to 63. */
    public static String labelValue(String s) {
        String cleaned = s.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (cleaned.length() > MAX_LABEL) {
            cleaned = cleaned.substring(0, MAX_LABEL);
        }
        return cleaned.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    public static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
