/** The greeting hook. */
package com.example.heimdall.greeting;
