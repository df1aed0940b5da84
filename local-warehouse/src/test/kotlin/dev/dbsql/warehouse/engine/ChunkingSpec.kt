package dev.dbsql.warehouse.engine

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import org.apache.arrow.memory.RootAllocator
import java.nio.file.Files

class ChunkingSpec : FunSpec({
    val engine = SharedEngine.engine

    fun StoredResult.checkContiguous() {
        var offset = 0L
        chunks.forEachIndexed { i, c ->
            c.index shouldBe i
            c.rowOffset shouldBe offset
            offset += c.rowCount
        }
        offset shouldBe totalRows
        totalBytes shouldBe chunks.sumOf { it.byteCount }
    }

    test("chunkRows cuts Arrow results into self-contained streams with contiguous offsets") {
        engine.openContext().use { ctx ->
            ctx.run("SELECT id, 'x' || id AS s FROM range(10000)", emptyList(), RunOptions(ResultFormat.ARROW_STREAM, chunkRows = 3000)).use { r ->
                r.chunks.map { it.rowCount } shouldBe listOf(3000L, 3000L, 3000L, 1000L)
                r.checkContiguous()
                r.truncated shouldBe false
                RootAllocator().use { a ->
                    val all = r.chunks.indices.flatMap { i ->
                        val c = r.arrowChunk(i, a)
                        c.schema.fields.map { it.name } shouldBe listOf("id", "s")
                        c.rows.size.toLong() shouldBe r.chunks[i].rowCount
                        r.chunks[i].storedByteCount shouldBe r.chunks[i].byteCount
                        r.openChunk(i).use { it.readBytes().size.toLong() } shouldBe r.chunks[i].byteCount
                        c.rows
                    }
                    all.map { it[0] } shouldBe (0L until 10000L).toList()
                    all[1234][1].toString() shouldBe "x1234"
                }
            }
        }
    }

    test("chunkBytes closes chunks by size") {
        engine.openContext().use { ctx ->
            val opts = RunOptions(ResultFormat.ARROW_STREAM, chunkRows = 1_000_000, chunkBytes = 100_000)
            ctx.run("SELECT id FROM range(100000)", emptyList(), opts).use { r ->
                r.chunks.size.toLong() shouldBeGreaterThan 5
                r.chunks.dropLast(1).forEach { it.byteCount shouldBeLessThan 200_000 }
                r.checkContiguous()
                r.arrowRows().size shouldBe 100000
            }
        }
    }

    test("LZ4 chunks are LZ4 frames that decode to the same rows; byteCount is the uncompressed size") {
        engine.openContext().use { ctx ->
            val opts = RunOptions(ResultFormat.ARROW_STREAM, lz4 = true, chunkRows = 50_000)
            ctx.run("SELECT id, id % 7 AS m FROM range(120000)", emptyList(), opts).use { r ->
                r.lz4 shouldBe true
                r.chunks.size shouldBe 3
                r.checkContiguous()
                r.chunks.forEach { c -> c.storedByteCount shouldBeLessThan c.byteCount }
                r.openChunk(0).use { it.readNBytes(4).toList() } shouldBe listOf(0x04, 0x22, 0x4D, 0x18).map { it.toByte() }
                r.openChunk(1).use { net.jpountz.lz4.LZ4FrameInputStream(it).readBytes().size.toLong() } shouldBe r.chunks[1].byteCount
                val rows = r.arrowRows()
                rows.size shouldBe 120000
                rows[119999] shouldBe listOf(119999L, 119999L % 7)
            }
        }
    }

    test("JSON chunks are compact arrays; row_limit truncates and says so") {
        engine.openContext().use { ctx ->
            ctx.run("SELECT id FROM range(10)", emptyList(), RunOptions(ResultFormat.JSON_ARRAY, chunkRows = 4)).use { r ->
                r.chunks.map { it.rowCount } shouldBe listOf(4L, 4L, 2L)
                r.openChunk(0).use { String(it.readBytes()) } shouldBe """[["0"],["1"],["2"],["3"]]"""
                r.chunks[0].byteCount shouldBe """[["0"],["1"],["2"],["3"]]""".length.toLong()
                r.checkContiguous()
            }
            ctx.run("SELECT id FROM range(10)", emptyList(), RunOptions(ResultFormat.JSON_ARRAY, rowLimit = 5)).use { r ->
                r.totalRows shouldBe 5
                r.truncated shouldBe true
                r.jsonRows().map { it[0] } shouldBe listOf("0", "1", "2", "3", "4")
            }
            ctx.run("SELECT id FROM range(10)", emptyList(), RunOptions(ResultFormat.JSON_ARRAY, rowLimit = 10)).use { r ->
                r.totalRows shouldBe 10
                r.truncated shouldBe false
            }
            ctx.run("SELECT id FROM range(100000)", emptyList(), RunOptions(ResultFormat.ARROW_STREAM, rowLimit = 100000, chunkRows = 50000)).use { r ->
                r.truncated shouldBe false
                r.totalRows shouldBe 100000
            }
        }
    }

    test("byte_limit keeps about that many bytes and sets truncated") {
        engine.openContext().use { ctx ->
            ctx.run("SELECT id FROM range(1000000)", emptyList(), RunOptions(ResultFormat.ARROW_STREAM, byteLimit = 100_000)).use { r ->
                r.truncated shouldBe true
                r.totalRows shouldBeGreaterThan 1000
                r.totalRows shouldBeLessThan 1000000
                r.totalBytes shouldBeLessThan 200_000
                r.checkContiguous()
            }
            ctx.run("SELECT id FROM range(10)", emptyList(), RunOptions(ResultFormat.ARROW_STREAM, byteLimit = 1_000_000)).use { r ->
                r.truncated shouldBe false
                r.totalRows shouldBe 10
            }
        }
    }

    test("CSV has a header only in chunk 0, quotes per RFC-4180 and writes NULL as null") {
        engine.openContext().use { ctx ->
            val sql = "SELECT * FROM (VALUES (1, 'a,b'), (2, 'say \"hi\"'), (3, NULL)) t(n, s)"
            ctx.run(sql, emptyList(), RunOptions(ResultFormat.CSV, chunkRows = 2)).use { r ->
                r.chunks.size shouldBe 2
                r.openChunk(0).use { String(it.readBytes()) } shouldBe "n,s\r\n1,\"a,b\"\r\n2,\"say \"\"hi\"\"\"\r\n"
                r.openChunk(1).use { String(it.readBytes()) } shouldBe "3,null\r\n"
            }
        }
    }

    test("empty results have columns and no chunks") {
        engine.openContext().use { ctx ->
            ctx.run("SELECT id FROM range(10) WHERE id > 100", emptyList(), arrowOpts).use { r ->
                r.columns.map { it.name } shouldBe listOf("id")
                r.chunks.shouldBeEmpty()
                r.totalRows shouldBe 0
                r.truncated shouldBe false
            }
        }
    }

    test("big results spill to files that close() deletes") {
        val dir = Files.createTempDirectory("spill-test")
        DuckDbEngine(EngineSettings(spillDir = dir, createSamples = false, inMemoryResultBytes = 10_000)).use { e ->
            e.openContext().use { ctx ->
                val r = ctx.run("SELECT id FROM range(200000)", emptyList(), RunOptions(ResultFormat.ARROW_STREAM, chunkRows = 50000))
                val files = Files.list(dir).use { s -> s.filter { it.fileName.toString().endsWith(".bin") }.toList() }
                files.size shouldBe 4
                r.arrowRows().size shouldBe 200000
                r.close()
                r.close()
                Files.list(dir).use { s -> s.filter { it.fileName.toString().endsWith(".bin") }.count() } shouldBe 0
            }
            e.allocatedBytes shouldBe 0
        }
        Files.exists(dir) shouldBe true
    }

    test("an engine-owned spill directory is deleted on close and the allocator is empty") {
        val e = DuckDbEngine(EngineSettings(createSamples = false))
        val dir = e.spillDir
        e.openContext().use { ctx -> ctx.run("SELECT 1", emptyList(), arrowOpts).close() }
        e.allocatedBytes shouldBe 0
        e.close()
        Files.exists(dir) shouldBe false
        e.allocator.allocatedMemory shouldBe 0
    }

    test("DML and DDL result shapes") {
        engine.openContext().use { ctx ->
            ctx.run("CREATE TABLE shapes_t (a INT, b STRING)", emptyList(), arrowOpts).use { r ->
                r.columns.shouldBeEmpty(); r.chunks.shouldBeEmpty(); r.totalRows shouldBe 0
            }
            ctx.run("INSERT INTO shapes_t VALUES (1, 'x'), (2, 'y'), (3, 'z')", emptyList(), jsonOpts).use { r ->
                r.columns.map { it.name to it.typeName } shouldBe listOf("num_affected_rows" to "LONG", "num_inserted_rows" to "LONG")
                r.jsonRows() shouldBe listOf(listOf("3", "3"))
            }
            ctx.run("UPDATE shapes_t SET b = 'w' WHERE a >= 2", emptyList(), jsonOpts).use { r ->
                r.columns.map { it.name } shouldBe listOf("num_affected_rows")
                r.jsonRows() shouldBe listOf(listOf("2"))
            }
            ctx.run("DELETE FROM shapes_t WHERE a = 1", emptyList(), arrowOpts).use { r ->
                r.columns.map { it.name } shouldBe listOf("num_affected_rows")
                r.arrowRows() shouldBe listOf(listOf(1L))
            }
            ctx.jsonRows("SELECT a, b FROM main.default.shapes_t ORDER BY a") shouldBe listOf(listOf("2", "w"), listOf("3", "w"))
            ctx.run("DROP TABLE shapes_t", emptyList(), jsonOpts).use { r -> r.columns.shouldBeEmpty() }
        }
    }

    test("error messages keep DuckDB's detail") {
        engine.openContext().use { ctx ->
            val e = io.kotest.assertions.throwables.shouldThrow<SqlFailure> { ctx.run("SELEC 1", emptyList(), jsonOpts) }
            e.message!! shouldStartWith "\n[PARSE_SYNTAX_ERROR] Parser Error: syntax error at or near \"SELEC\""
        }
    }
})
