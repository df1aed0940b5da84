package com.example;

import dev.dbsql.flow.Row;
import dev.dbsql.java.DbsqlClient;
import dev.dbsql.java.DbsqlClientConfig;
import dev.dbsql.java.DbsqlResult;
import dev.dbsql.warehouse.LocalWarehouse;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a Java user does first: one query through the futures API against the local warehouse. */
public final class Consumer {
    public static void main(String[] args) throws Exception {
        List<String> problems = classpathProblems();
        try (LocalWarehouse warehouse = LocalWarehouse.start();
             DbsqlClient client = DbsqlClient.create(DbsqlClientConfig.builder()
                     .host(warehouse.getBaseUrl())
                     .warehouseId(warehouse.getWarehouseId())
                     .token(warehouse.getToken())
                     .build())) {
            DbsqlResult result = client.execute("SELECT id * id AS square FROM range(5)").get();
            List<Long> squares;
            try (Stream<Row> rows = result.rows()) {
                squares = rows.map(row -> row.getLong("square")).collect(Collectors.toList());
            }
            result.close().get();
            if (!squares.equals(Arrays.asList(0L, 1L, 4L, 9L, 16L))) problems.add("wrong rows: " + squares);
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("consumer check: " + p));
            System.exit(1);
        }
        System.out.println("consumer check (Java, without the BOM): OK");
    }

    /** The jars this project resolved against the jars the SDK's own build tested with. */
    private static List<String> classpathProblems() {
        Set<String> tested = jars(System.getProperty("tested.classpath", ""));
        Set<String> here = jars(System.getProperty("java.class.path"));
        List<String> problems = new ArrayList<>();
        if (tested.isEmpty()) problems.add("no tested classpath was passed in");
        for (String jar : here) if (!tested.contains(jar)) problems.add("resolved here but not tested: " + jar);
        for (String jar : tested) if (!here.contains(jar)) problems.add("tested but not resolved here: " + jar);
        return problems;
    }

    private static Set<String> jars(String path) {
        return Arrays.stream(path.split(File.pathSeparator))
                .map(entry -> new File(entry).getName())
                .filter(name -> name.endsWith(".jar"))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
