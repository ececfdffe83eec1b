package io.vidgate.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code (docs/design.md, "Shape of the code"), checked over the compiled classes: packages by
 * feature without cycles between them, the envelope and the database guard below every feature, and resources
 * that leave SQL to services and repositories.
 */
class PackageRulesTest {

    /** Packages every feature may use and that use no feature. */
    private static final String[] FOUNDATION = {"io.vidgate.http..", "io.vidgate.db..", "io.vidgate.config..",
            "io.vidgate.crypto.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.vidgate");
    }

    @Test
    void noCycleBetweenPackages() {
        check(slices().matching("io.vidgate.(*)..").should().beFreeOfCycles());
    }

    @Test
    void httpAndDbImportNoFeaturePackage() {
        check(noClasses().that().resideInAnyPackage("io.vidgate.http..", "io.vidgate.db..")
                .should().dependOnClassesThat(feature()));
    }

    @Test
    void configAndCryptoImportNothingOfTheApplication() {
        check(noClasses().that().resideInAnyPackage("io.vidgate.config..", "io.vidgate.crypto..")
                .should().dependOnClassesThat(describe("a class of another io.vidgate package",
                        c -> c.getPackageName().startsWith("io.vidgate.")
                                && !c.getPackageName().startsWith("io.vidgate.config")
                                && !c.getPackageName().startsWith("io.vidgate.crypto"))));
    }

    @Test
    void resourcesRunNoSql() {
        check(noClasses().that(resources())
                .should().dependOnClassesThat(sql()));
    }

    /** JAX-RS resources and the hand-installed Vert.x routes: the classes that answer HTTP requests. */
    static DescribedPredicate<JavaClass> resources() {
        return describe("answer HTTP requests (@Path resources and Vert.x routes)",
                c -> c.isAnnotatedWith(jakarta.ws.rs.Path.class) || c.getSimpleName().endsWith("Resource")
                        || c.getSimpleName().endsWith("Route"));
    }

    /** The SQL clients, the ORM, and the classes that hold the application's statements. */
    static DescribedPredicate<JavaClass> sql() {
        return describe("run SQL (SQL clients, Hibernate/Panache, repositories, statements)",
                c -> c.getPackageName().startsWith("io.vertx.sqlclient")
                        || c.getPackageName().startsWith("io.vertx.mutiny.sqlclient")
                        || c.getPackageName().startsWith("io.vertx.pgclient")
                        || c.getPackageName().startsWith("io.vertx.mutiny.pgclient")
                        || c.getPackageName().startsWith("org.hibernate")
                        || c.getPackageName().startsWith("io.quarkus.hibernate")
                        || c.getPackageName().startsWith("io.quarkus.panache")
                        || c.isAssignableTo(PanacheRepositoryBase.class) || c.isAssignableTo(PanacheEntityBase.class)
                        || (c.getPackageName().startsWith("io.vidgate") && (c.getSimpleName().endsWith("Repository")
                        || c.getSimpleName().endsWith("Statements") || c.getSimpleName().endsWith("Reads"))));
    }

    private static DescribedPredicate<JavaClass> feature() {
        return describe("a feature package (anything but " + String.join(", ", FOUNDATION) + ")",
                c -> c.getPackageName().startsWith("io.vidgate.") && !inFoundation(c));
    }

    private static boolean inFoundation(JavaClass c) {
        for (String p : FOUNDATION) {
            String name = p.substring(0, p.length() - 2);
            if (c.getPackageName().equals(name) || c.getPackageName().startsWith(name + ".")) {
                return true;
            }
        }
        return false;
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
