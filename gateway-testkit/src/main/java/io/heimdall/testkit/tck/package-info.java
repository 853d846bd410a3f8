/** Provider contract tests (TCK): abstract JUnit test classes that every provider module extends in its tests. */
package io.heimdall.testkit.tck;
