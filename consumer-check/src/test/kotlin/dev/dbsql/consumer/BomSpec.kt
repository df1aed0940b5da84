package dev.dbsql.consumer

import io.kotest.core.spec.style.StringSpec
import io.kotest.matchers.maps.shouldContainAll
import io.kotest.matchers.shouldBe
import io.kotest.matchers.collections.shouldContainAll
import org.w3c.dom.Element
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory

/**
 * The BOM has no parent (so importing it brings nothing else); its versions are written twice.
 * This keeps the copies equal: every version the BOM pins is the parent's, and it pins every
 * library module of the reactor.
 */
class BomSpec : StringSpec({
    val root = generateSequence(File("").absoluteFile) { it.parentFile }.first { File(it, "bom/pom.xml").isFile }

    fun pom(path: String): Element =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(File(root, path)).documentElement

    fun Element.child(name: String): Element? =
        (0 until childNodes.length).map { childNodes.item(it) }.filterIsInstance<Element>().firstOrNull { it.tagName == name }

    fun Element.properties(): Map<String, String> {
        val props = child("properties") ?: return emptyMap()
        return (0 until props.childNodes.length).map { props.childNodes.item(it) }.filterIsInstance<Element>()
            .associate { it.tagName to it.textContent.trim() }
    }

    "every version the BOM pins is the one the build tests with" {
        val parent = pom("pom.xml")
        val bom = pom("bom/pom.xml")
        parent.properties().shouldContainAll(bom.properties())
        bom.child("version")!!.textContent shouldBe parent.child("version")!!.textContent
    }

    "the BOM names every library module" {
        val bom = pom("bom/pom.xml")
        val managed = bom.getElementsByTagName("artifactId").let { list -> (0 until list.length).map { list.item(it).textContent } }
        managed.shouldContainAll("local-warehouse", "auth-providers", "sdk-core", "sdk-flow-results", "sdk-java-interop", "spark-connector")
    }
})
