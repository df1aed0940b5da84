package dev.dbsql.java

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig

/** Warehouse configurations the Java tests need that Java cannot name without every argument. */
object TestWarehouses {
    /** A warehouse whose results come in chunks of at most [rows] rows. */
    @JvmStatic
    fun withChunkRows(rows: Int): LocalWarehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = rows))
}

/** A warehouse serving HTTPS with a fresh self-signed certificate (see [tlsCertificate]). */
object TlsWarehouses {
    @JvmStatic
    fun start(certificate: dev.dbsql.warehouse.tls.SelfSignedCertificate): LocalWarehouse =
        LocalWarehouse.start(WarehouseConfig(tls = certificate.tlsConfig()))

    @JvmStatic
    fun tlsCertificate(): dev.dbsql.warehouse.tls.SelfSignedCertificate = dev.dbsql.warehouse.tls.SelfSignedCertificate.generate()
}
