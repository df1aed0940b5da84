package dev.dbsql.core.volumes

import dev.dbsql.core.NonTransientDatabricksSqlException
import dev.dbsql.core.TransientDatabricksSqlException

/** A local path outside [VolumeOptions.allowedLocalPaths] (or containing `..`): nothing was sent or written. */
public open class LocalPathNotAllowedException(message: String, public val localPath: String) :
    NonTransientDatabricksSqlException(message, errorCode = "LOCAL_PATH_NOT_ALLOWED")

/**
 * The transfer to or from a presigned staging URL failed: the object store answered [httpStatus]
 * (null: no answer, e.g. the connection broke or a timeout passed). Messages name the URL without
 * its query (its signature).
 */
public open class VolumeTransferException(message: String, httpStatus: Int?, cause: Throwable? = null, statementId: String? = null) :
    NonTransientDatabricksSqlException(message, cause, statementId, httpStatus, errorCode = "VOLUME_TRANSFER_FAILED")

/** The presigned URL expired before the transfer started; run the operation again for a fresh one. */
public open class PresignedUrlExpiredException(message: String, httpStatus: Int?, statementId: String? = null) :
    VolumeTransferException(message, httpStatus, null, statementId)

/** The transfer stopped without an answer (connection broken, idle or overall timeout): trying again may work. */
public open class VolumeConnectionException(message: String, cause: Throwable?) :
    TransientDatabricksSqlException(message, cause, retryable = false)
