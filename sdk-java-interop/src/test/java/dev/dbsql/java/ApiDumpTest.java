package dev.dbsql.java;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins the public surface of each SDK module: the public and protected classes and members of its
 * compiled classes (read by reflection, like `javap -public`), `internal` packages excluded, must
 * equal the committed dump `<module>/api/<module>.api`. A change to the public API is then a
 * deliberate diff of that file. Regenerate every dump with (from the repository root):
 * <pre>
 * mvn -B -pl sdk-java-interop -am install -DskipTests &amp;&amp; mvn -B -pl sdk-java-interop surefire:test -Dtest=ApiDumpTest -Ddbsql.api.update=true
 * </pre>
 * Members Java cannot see (Kotlin `@JvmSynthetic`, compiler bridges) are listed with a
 * `synthetic` prefix; Kotlin-internal members (names with `$`) and the compiler's
 * default-argument constructors are left out.
 */
class ApiDumpTest {
    static final String REGENERATE =
            "mvn -B -pl sdk-java-interop -am install -DskipTests && "
                    + "mvn -B -pl sdk-java-interop surefire:test -Dtest=ApiDumpTest -Ddbsql.api.update=true";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "auth-providers, dev.dbsql.auth.CredentialsProvider",
        "sdk-core, dev.dbsql.core.DatabricksSqlClient",
        "sdk-flow-results, dev.dbsql.flow.RecordBatch",
        "sdk-java-interop, dev.dbsql.java.DbsqlClient",
    })
    void publicApiMatchesTheCommittedDump(String module, String marker) throws Exception {
        List<String> actual = dump(Class.forName(marker));
        Path file = Path.of("").toAbsolutePath().getParent().resolve(module).resolve("api").resolve(module + ".api");
        if (Boolean.getBoolean("dbsql.api.update")) {
            Files.createDirectories(file.getParent());
            Files.write(file, actual, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(file), "no API dump " + file + "; generate it with: " + REGENERATE);
        List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            Set<String> removed = new LinkedHashSet<>(expected);
            removed.removeAll(actual);
            Set<String> added = new LinkedHashSet<>(actual);
            added.removeAll(expected);
            StringBuilder diff = new StringBuilder("the public API of " + module + " differs from " + file + ":\n");
            removed.forEach(l -> diff.append("- ").append(l).append('\n'));
            added.forEach(l -> diff.append("+ ").append(l).append('\n'));
            if (removed.isEmpty() && added.isEmpty()) diff.append("(same lines, other order)\n");
            diff.append("If the change is deliberate, regenerate the dumps and commit them:\n  ").append(REGENERATE);
            fail(diff.toString());
        }
    }

    /** The dump of the module (jar or classes folder) that holds [marker]. */
    static List<String> dump(Class<?> marker) throws IOException, URISyntaxException, ClassNotFoundException {
        Path location = Path.of(marker.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.filter(p -> p.toString().endsWith(".class"))
                        .forEach(p -> names.add(location.relativize(p).toString().replace('\\', '/')));
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    String n = entries.nextElement().getName();
                    if (n.endsWith(".class")) names.add(n);
                }
            }
        }
        TreeMap<String, List<String>> classes = new TreeMap<>();
        for (String n : names) {
            String className = n.substring(0, n.length() - ".class".length()).replace('/', '.');
            if (className.contains(".internal.") || className.endsWith("module-info")) continue;
            Class<?> c = Class.forName(className, false, marker.getClassLoader());
            if (!isApi(c)) continue;
            classes.put(c.getName(), describe(c));
        }
        List<String> lines = new ArrayList<>();
        classes.values().forEach(lines::addAll);
        return lines;
    }

    private static boolean isApi(Class<?> c) {
        if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) return false;
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) && !Modifier.isProtected(k.getModifiers())) return false;
        }
        return !c.getSimpleName().isEmpty() && !c.getName().contains("$WhenMappings");
    }

    private static List<String> describe(Class<?> c) {
        List<String> out = new ArrayList<>();
        StringBuilder head = new StringBuilder(Modifier.toString(c.getModifiers() & ~Modifier.SYNCHRONIZED & ~Modifier.INTERFACE));
        head.append(c.isInterface() ? (c.isAnnotation() ? " @interface " : " interface ") : c.isEnum() ? " enum " : " class ");
        head.append(c.getName());
        if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum()) {
            head.append(" extends ").append(c.getGenericSuperclass().getTypeName());
        }
        if (c.getGenericInterfaces().length > 0) {
            head.append(c.isInterface() ? " extends " : " implements ").append(
                    Arrays.stream(c.getGenericInterfaces()).map(t -> t.getTypeName()).collect(Collectors.joining(", ")));
        }
        out.add(head.toString().trim());
        List<String> members = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            if (visible(f)) members.add(prefix(f) + "field " + f.getName() + ": " + f.getGenericType().getTypeName());
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (visible(k) && !hasMarker(k)) members.add(prefix(k) + "constructor" + params(k));
        }
        for (Method m : c.getDeclaredMethods()) {
            if (visible(m) && !m.isBridge() && !hasMarker(m)) {
                members.add(prefix(m) + "method " + m.getName() + params(m) + ": " + m.getGenericReturnType().getTypeName());
            }
        }
        members.stream().sorted().forEach(m -> out.add("  " + m));
        return out;
    }

    private static boolean visible(Member m) {
        int mod = m.getModifiers();
        return (Modifier.isPublic(mod) || Modifier.isProtected(mod)) && !m.getName().contains("$");
    }

    private static boolean hasMarker(Executable e) {
        return Arrays.stream(e.getParameterTypes()).anyMatch(t -> t.getName().equals("kotlin.jvm.internal.DefaultConstructorMarker"));
    }

    private static String prefix(Member m) {
        int mod = m.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT);
        return (m.isSynthetic() ? "synthetic " : "") + Modifier.toString(mod) + " ";
    }

    private static String params(Executable e) {
        return Arrays.stream(e.getGenericParameterTypes()).map(t -> t.getTypeName()).collect(Collectors.joining(", ", "(", ")"));
    }
}
