package dev.dbsql.core.unit

import dev.dbsql.core.internal.StatementRunner
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeInRange
import io.kotest.matchers.shouldBe
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class PollScheduleSpec : FunSpec({
    val interval = StatementRunner::pollInterval

    test("short statements are polled every 25 ms, so completion is noticed within about 25 ms") {
        interval(Duration.ZERO) shouldBe 25.milliseconds
        interval(1.seconds) shouldBe 25.milliseconds
    }

    test("the interval grows with the run time at 2 % of it, up to one second") {
        interval(2.seconds) shouldBe 40.milliseconds
        interval(10.seconds) shouldBe 200.milliseconds
        interval(50.seconds) shouldBe 1.seconds
        interval(3.hours) shouldBe 1.seconds
    }

    test("a one-hour statement costs a bounded number of polls") {
        var t = Duration.ZERO
        var polls = 0
        while (t < 1.hours) {
            t += interval(t)
            polls++
        }
        polls shouldBeInRange 3_600..3_900
    }
})
